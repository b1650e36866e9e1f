"""Hexagonal nuts: plain, chamfered, flanged, nylon-insert, castle, jam, cap and simple nuts.

Sizes come from the ISO 4032 table in ``hardware``; forms follow ISO 4032/4035/7040/4161/7035.
Every nut is centred on its bounding box with its axis along +Z; some carry a modelled thread.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, pick
from pointcam_gui.core.synthetic.hardware import NUT_TABLE, hex_body
from pointcam_gui.core.synthetic.threads import thread_ridge

Mesh = trimesh.Trimesh

# Sub-types and how often each is drawn; the builder also takes one of these as ``kind``.
NUT_KINDS = {"plain": 0.5, "double_chamfer": 1.5, "single_chamfer": 1, "flanged": 1,
             "nylon_insert": 1, "castle": 1, "jam": 1, "cap": 0.6, "simple": 1}


def _bore_cutter(d: float, pitch: float, z0: float, z1: float, threaded: bool, sec: int,
                 per_turn: int, sink_bottom: bool = True, sink_top: bool = True) -> Mesh:
    """The nut's hole: minor-diameter bore, 90-degree countersinks, optional modelled thread."""
    r1 = (d - 1.0825 * pitch) / 2 if threaded else d / 2 * 1.01
    rcs = max(d * 0.56, r1 + pitch * 0.3)
    e = 0.02 * d
    lo = [(0.0, z0 - e), (rcs + e, z0 - e), (r1, z0 + rcs - r1)] if sink_bottom else \
        [(0.0, z0 - e), (r1, z0 - e)]
    hi = [(r1, z1 - (rcs - r1)), (rcs + e, z1 + e), (0.0, z1 + e)] if sink_top else \
        [(r1, z1 + e), (0.0, z1 + e)]
    cutter = sh.revolve(lo + hi, sec)
    if not threaded:
        return cutter
    dep = (d / 2 - r1) * 1.05
    ridge = thread_ridge(z0 - pitch, z1 + pitch, pitch, lambda z: np.full_like(z, r1),
                         lambda z: np.full_like(z, dep), per_turn)
    return sh.union(cutter, ridge)


def hexagonal_nut(rng: np.random.Generator, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, NUT_KINDS)
    d, pitch, s, m = NUT_TABLE[rng.integers(len(NUT_TABLE))]
    s *= rng.choice([1.0, 1.0, rng.uniform(0.95, 1.12)])  # DIN/ISO/heavy-series across-flats
    sec = sh.sections(rng, 16)
    per_turn = int(rng.choice([12, 16, 24, 32]))
    threaded = bool(rng.random() < 0.45) and d >= 3
    top_cham = kind not in ("single_chamfer", "plain")
    bot_cham = kind != "plain"
    sink_top = True
    if kind in ("double_chamfer", "single_chamfer", "plain"):
        h = m * rng.uniform(0.95, 1.1)
        body = hex_body(s, h, bot_cham, top_cham, sec, rng)
    elif kind == "jam":
        h = d * rng.uniform(0.45, 0.6)
        body = hex_body(s, h, True, True, sec, rng)
    elif kind == "flanged":
        body, h = _flange_nut(d, s, rng, sec)
    elif kind == "nylon_insert":
        body, h = _nylon_nut(d, pitch, s, rng, sec)
        sink_top = False
    elif kind == "castle":
        body, h = _castle_nut(d, s, rng, sec)
    elif kind == "simple":  # hand-modelled: a bare prism, thin to thick, a coarse plain bore
        h = d * rng.uniform(0.35, 1.5)
        body = sh.hex_prism(s, h)
        sec = int(rng.choice([6, 8, 10, 12, 16]))
        threaded = False
    else:
        body, h = _cap_nut(d, s, rng, sec)
        sink_top = False
    z1 = h if kind != "cap" else h * rng.uniform(0.55, 0.7)
    hole = (_bore_cutter(d, pitch, 0.0, z1, threaded, sec, per_turn, True, sink_top)
            if kind != "simple" else sh.cylinder(d / 2 * 1.02, h * 3, sec, -h))
    body = sh.difference(body, hole)
    return centred(body, f"{kind}_nut" + ("_threaded" if threaded else ""))


def _flange_nut(d: float, s: float, rng: np.random.Generator, sec: int) -> tuple[Mesh, float]:
    h = d * rng.uniform(0.9, 1.05)
    rf = max(d * rng.uniform(1.05, 1.18), s / 2 * rng.uniform(1.25, 1.4))
    c = d * rng.uniform(0.1, 0.16)
    rise = (rf - s * 0.45) * rng.uniform(0.25, 0.45)
    flange = sh.revolve([(0, 0), (rf, 0), (rf, c), (s * 0.45, c + rise), (0, c + rise)], sec)
    body = sh.union(hex_body(s, h, False, True, sec, rng), flange)
    if rng.random() < 0.5:  # serrated bearing face: disjoint radial V-grooves
        n = int(rng.integers(18, 36))
        w = 2 * np.pi * d * 0.55 / n * 0.6
        teeth = [sh.rotated(sh.rotated(sh.box([rf * 0.6, w, w], [rf * 0.85, 0, 0]), np.pi / 4,
                                       [1, 0, 0], [0, 0, 0]), 2 * np.pi * k / n, [0, 0, 1])
                 for k in range(n)]
        body = sh.difference(body, sh.combine(*teeth))
    return body, h


def _nylon_nut(d: float, pitch: float, s: float, rng: np.random.Generator, sec: int
               ) -> tuple[Mesh, float]:
    hh = d * rng.uniform(0.7, 0.85)
    h = d * rng.uniform(1.15, 1.4)
    rc = s / 2 * rng.uniform(0.88, 0.97)
    rr = (h - hh) * rng.uniform(0.3, 0.5)
    lip = d * rng.uniform(0.62, 0.75)
    nylon = (d - 1.2 * pitch) / 2
    a = np.linspace(0, np.pi / 2, 6)
    dome = [(rc - rr + rr * np.cos(t), h - rr + rr * np.sin(t)) for t in a]
    prof = [(nylon, hh - 0.01), (rc, hh - 0.01), *dome, (lip, h), (lip, h - 0.12 * (h - hh)),
            (nylon, h - 0.12 * (h - hh))]
    return sh.union(hex_body(s, hh, True, False, sec, rng), sh.revolve(prof, sec)), h


def _castle_nut(d: float, s: float, rng: np.random.Generator, sec: int) -> tuple[Mesh, float]:
    h = d * rng.uniform(1.0, 1.3)
    hh = d * rng.uniform(0.7, 0.85)
    if d >= 12 and rng.random() < 0.7:  # larger castle nuts carry a round crown
        rcr = s / 2 * rng.uniform(0.88, 0.95)
        body = sh.union(hex_body(s, hh, True, False, sec, rng),
                        sh.moved(sh.revolve(sh.chamfered_cylinder_profile(rcr, h - hh + 0.01,
                                                                          0.04 * d), sec),
                                 [0, 0, hh - 0.01]))
    else:
        body = hex_body(s, h, True, True, sec, rng)
    w = d * rng.uniform(0.22, 0.32)
    depth = (h - hh) * rng.uniform(1.0, 1.2)
    slots = [sh.rotated(sh.box([s * 1.3, w, depth + 0.1], [0, 0, h - depth / 2 + 0.05]),
                        np.pi / 3 * k, [0, 0, 1]) for k in range(3)]
    return sh.difference(body, sh.union(*slots)), h


def _cap_nut(d: float, s: float, rng: np.random.Generator, sec: int) -> tuple[Mesh, float]:
    hh = d * rng.uniform(0.75, 0.95)
    rd = s / 2 * rng.uniform(0.85, 0.95)
    neck = d * rng.uniform(0.05, 0.15)
    a = np.linspace(0, np.pi / 2, 9)
    dome = [(rd * np.cos(t), hh + neck + rd * np.sin(t)) for t in a]
    cap = sh.revolve([(0, hh - 0.01), (rd, hh - 0.01), *dome], sec)
    return sh.union(hex_body(s, hh, True, False, sec, rng), cap), hh + neck + rd


BUILDERS: dict[str, Builder] = {"Hexagonal nuts": hexagonal_nut}
