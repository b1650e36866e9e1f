"""Stock hardware shared by several families: metric nut sizes, hex bodies, nuts, bolts, bars.

Two hex shapes live here on purpose, and they are not interchangeable: ``hex_body`` is the
catalogue nut's body (the nut and tapping-screw families), its corners turned by a drawn
30-degree cone as on a real nut; ``hex_nut`` is the cheap bored nut that clamps, hooks and
joints are assembled with. Each is what its families' datasets were generated with.
"""

from __future__ import annotations

import numpy as np
import trimesh
from numpy.typing import ArrayLike

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh
TAN30 = np.tan(np.radians(30.0))

# ISO 4032 metric nuts: nominal d, coarse pitch P, across flats s, height m.
NUT_TABLE = np.array([
    (2, 0.4, 4, 1.6), (2.5, 0.45, 5, 2), (3, 0.5, 5.5, 2.4), (4, 0.7, 7, 3.2), (5, 0.8, 8, 4.7),
    (6, 1, 10, 5.2), (8, 1.25, 13, 6.8), (10, 1.5, 16, 8.4), (12, 1.75, 18, 10.8),
    (14, 2, 21, 12.8), (16, 2, 24, 14.8), (20, 2.5, 30, 18), (24, 3, 36, 21.5),
    (30, 3.5, 46, 25.6), (36, 4, 55, 31), (42, 4.5, 65, 34), (48, 5, 75, 38)])


def _chamfer_envelope(s: float, h: float, bottom: bool, top: bool, sec: int,
                      rng: np.random.Generator) -> Mesh:
    """Revolved 30-degree cone that rounds a hex prism's corners into the real nut's arcs."""
    rc = s / 2 * rng.uniform(0.9, 0.98)
    big = s / np.sqrt(3.0) * 1.08
    rise = (big - rc) * TAN30
    prof = [(0.0, -0.01)]
    prof += [(rc, -0.01), (big, rise)] if bottom else [(big, -0.01)]
    prof += [(big, h - rise), (rc, h + 0.01)] if top else [(big, h + 0.01)]
    prof.append((0.0, h + 0.01))
    return sh.revolve(prof, sec)


def hex_body(s: float, h: float, bottom: bool, top: bool, sec: int, rng: np.random.Generator,
             z0: float = 0.0) -> Mesh:
    """Hex prism ``s`` across flats and ``h`` high from ``z0``, chamfered at the chosen ends."""
    body = sh.hex_prism(s, h)
    if bottom or top:
        body = sh.intersection(body, _chamfer_envelope(s, h, bottom, top, sec, rng))
    return sh.moved(body, [0, 0, z0])


def hex_nut(across_flats: float, height: float, bore: float, sections: int,
            z0: float = 0.0) -> Mesh:
    """ISO-style hex nut on +Z with 30-degree chamfered corners and a plain bore."""
    rc = across_flats / np.sqrt(3.0)
    c = min((rc - across_flats / 2) * 1.5, height * 0.2)
    # A six-sided revolve is a hex prism; its chamfer cone becomes the bevelled corners.
    body = sh.revolve([(0, z0), (rc - c, z0), (rc, z0 + c), (rc, z0 + height - c),
                       (rc - c, z0 + height), (0, z0 + height)], 6)
    return sh.difference(body, sh.cylinder(bore, height * 3, sections, z0 - height))


def hex_bolt(d: float, length: float, sections: int, rng: np.random.Generator) -> Mesh:
    """Hex-head bolt on +Z, head below z = 0 (ISO 4017 proportions)."""
    head = hex_nut(1.6 * d, 0.65 * d, 0.01, sections, -0.65 * d)
    return sh.union(head, threaded_rod(d / 2, length, rng, sections, -0.05 * d))


def bar_between(p0: ArrayLike, p1: ArrayLike, width: float, thickness: float) -> Mesh:
    """Rectangular bar from p0 to p1, ``width`` along +Y (a latch, a toggle-clamp link)."""
    a, b = np.asarray(p0, float), np.asarray(p1, float)
    d = b - a
    length = float(np.linalg.norm(d))
    bar = sh.box([thickness, width, length])
    ang = np.arctan2(d[0], d[2])
    bar = sh.rotated(bar, ang, [0, 1, 0])
    return sh.moved(bar, (a + b) / 2)
