"""Outlier power-transmission parts: spur, helical and cluster gears; timing and flat pulleys.

None of these is one of the twelve classes; they teach the classifier to be unsure of toothed
round parts. V-pulleys belong to the Wheel class and are not made here. Axis along +Z.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.others_profiles import (
    bolt_circle,
    extrude,
    holes,
    keyed_bore,
    polar,
    trapezoid_wave,
)

Mesh = trimesh.Trimesh
Rng = np.random.Generator

GEAR_KINDS = {"spur": 1.5, "hubbed_spur": 1.5, "helical": 1.0, "cluster": 0.8, "webbed": 0.8}
PULLEY_KINDS = {"timing_flanged": 2.0, "timing_hub": 1.3, "timing_idler": 0.8,
                "flat_belt_flanged": 0.8}
MODULES = (0.5, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)


def _teeth(n: int, low: float, high: float, rng: Rng, tip: float, root: float) -> np.ndarray:
    """(k, 2) outline points of ``n`` trapezoidal teeth between radii ``low`` and ``high``."""
    per = int(rng.choice([6, 8, 10])) if n < 90 else 6
    poly = polar(trapezoid_wave(n, low, high, tip, root), n * per)
    return np.asarray(poly.exterior.coords)[:-1]


def _gear_body(n: int, m: float, width: float, rng: Rng, z0: float = 0.0,
               twist: float = 0.0, herring: bool = False) -> tuple[Mesh, float]:
    """A solid toothed disc (no bore) and its root radius; a twist makes the teeth helical."""
    rp = m * n / 2
    rf = rp - 1.25 * m
    pts = _teeth(n, rf, rp + m, rng, rng.uniform(0.12, 0.22), rng.uniform(0.28, 0.4))
    if twist == 0.0:
        from shapely.geometry import Polygon

        return extrude(Polygon(pts), width, z0), rf
    slices = 9 if herring else 6
    s = np.linspace(0.0, 1.0, slices)
    angle = twist * (1 - np.abs(2 * s - 1)) if herring else twist * s
    rings = []
    for a, f in zip(angle, s, strict=True):
        c, si = np.cos(a), np.sin(a)
        xy = pts @ np.array([[c, si], [-si, c]])
        rings.append(np.column_stack([xy, np.full(len(xy), z0 + f * width)]))
    return sh.loft(np.asarray(rings), [0, 0, z0], [0, 0, z0 + width]), rf


def gear(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, GEAR_KINDS)
    m = float(rng.choice(MODULES))
    n = min(int(rng.integers(12, 90)), int(300 / m))
    n = max(n, 12)
    width = m * rng.uniform(3, 12)
    sec = sh.sections(rng, 16, 64)
    twist = 0.0
    herring = False
    if kind == "helical":
        herring = rng.random() < 0.3
        beta = np.radians(rng.uniform(12, 30))
        twist = width * np.tan(beta) / (m * n / 2) * (0.5 if herring else 1.0)
    body, rf = _gear_body(n, m, width, rng, 0.0, twist, herring)
    rb = float(np.clip(rf * rng.uniform(0.15, 0.4), 1.0, 40.0))
    extra: list[Mesh] = []
    cuts: list[Mesh] = []
    top = width
    if kind == "cluster":  # a smaller gear cut on the same blank
        n2 = max(10, int(n * rng.uniform(0.3, 0.6)))
        w2 = width * rng.uniform(0.7, 1.3)
        small, rf2 = _gear_body(n2, m, w2, rng, width - 0.01)
        extra.append(small)
        top = width + w2
        rb = min(rb, rf2 * 0.6)
    if kind in ("hubbed_spur", "webbed") or (kind == "helical" and rng.random() < 0.4):
        rh = min(rf * rng.uniform(0.45, 0.8), rb * rng.uniform(1.6, 2.4))
        rh = max(rh, rb + 1.0)
        hl = width * rng.uniform(0.5, 1.3)
        extra.append(sh.cylinder(rh, hl + 0.01, sec, top - 0.01))
        if rng.random() < 0.6:  # set screw through the hub
            cuts.append(sh.cylinder_between([0, 0, top + hl / 2], [rh * 1.5, 0, top + hl / 2],
                                            max(0.6, 0.25 * (rh - rb) + 0.3 * rb * 0.3), 12))
        top += hl
        if kind == "webbed" and rf > rh * 1.6:  # recessed web with lightening holes
            rim = rf - max(m * 1.5, (rf - rh) * 0.15)
            dep = width * rng.uniform(0.25, 0.35)
            for z in (width - dep, 0.0):
                cuts.append(sh.tube(rh * 1.1, rim, dep + 0.01, sec, z - (0.01 if z == 0 else 0)))
            if rng.random() < 0.7:
                rr = (rim - rh * 1.1) * rng.uniform(0.25, 0.38)
                ring = bolt_circle(int(rng.integers(4, 7)), (rim + rh * 1.1) / 2)
                cuts.append(extrude(holes(ring, rr, 24), width * 2, -width / 2))
    body = sh.union(body, *extra)
    bore = extrude(keyed_bore(rb, rng, sec), top + 2, -1)
    body = sh.difference(body, bore, *cuts)
    return centred(body, f"{kind}_gear")


def pulley(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, PULLEY_KINDS)
    sec = sh.sections(rng, 24, 96)
    if kind == "flat_belt_flanged":
        ro = loguniform(rng, 15, 120)
        w = ro * rng.uniform(0.3, 0.8)
        h = ro * rng.uniform(0.04, 0.08)
        crown = w * rng.uniform(0.0, 0.03)
        rim = sh.revolve([(0.0, 0.0), *[(ro - crown * (2 * z / w - 1) ** 2, z)
                                        for z in np.linspace(0, w, 9)], (0.0, w)], sec)
        teeth_top = ro
        core = rim
    else:
        p = float(rng.choice([2.0, 2.5, 3.0, 5.0, 8.0]))
        z = int(rng.integers(14, 72))
        ro = z * p / (2 * np.pi) - 0.25 * p
        h = 0.38 * p
        w = p * rng.uniform(2.5, 6)
        from shapely.geometry import Polygon

        core = extrude(Polygon(_teeth(z, ro - h, ro, rng, rng.uniform(0.4, 0.5),
                                      rng.uniform(0.2, 0.3))), w)
        teeth_top = ro
    bodies = [core]
    rb = ro * (rng.uniform(0.5, 0.62) if kind == "timing_idler" else rng.uniform(0.12, 0.35))
    rb = max(rb, 1.0)
    tf = max(0.6, ro * rng.uniform(0.03, 0.06))
    rfl = teeth_top + h * rng.uniform(1.3, 2.5)
    flanges = {"timing_flanged": 2, "timing_idler": 2, "flat_belt_flanged": 2,
               "timing_hub": int(rng.integers(0, 2))}[kind]
    if kind == "timing_flanged" and rng.random() < 0.3:
        flanges = 1
    for zf in ([-tf, w - 0.01] if flanges == 2 else [-tf] if flanges == 1 else []):
        bevel = tf * 0.4 if rng.random() < 0.6 else 0.0
        if zf < 0:  # the bevel is on the flange's outer face
            prof = [(0.0, zf), (rfl - bevel, zf), (rfl, zf + bevel), (rfl, zf + tf + 0.01),
                    (0.0, zf + tf + 0.01)]
        else:
            prof = [(0.0, zf), (rfl, zf), (rfl, zf + tf - bevel), (rfl - bevel, zf + tf),
                    (0.0, zf + tf)]
        bodies.append(sh.revolve(prof, sec))
    low = -tf if flanges else 0.0
    cuts: list[Mesh] = []
    if kind != "timing_idler" and (kind == "timing_hub" or rng.random() < 0.75):
        rh = max(rb + 1.5, min(ro - h * 1.5, rb * rng.uniform(1.7, 2.6)))
        hl = max(3.0, w * rng.uniform(0.5, 1.2))
        bodies.append(sh.cylinder(rh, hl + 0.01, sec, low - hl))
        for k in range(int(rng.integers(1, 3))):
            screw = sh.cylinder_between([0, 0, low - hl / 2], [rh * 1.5, 0, low - hl / 2],
                                        max(0.6, (rh - rb) * 0.4), 12)
            cuts.append(sh.rotated(screw, k * np.pi / 2, [0, 0, 1]))
        low -= hl
    if kind == "flat_belt_flanged" and rng.random() < 0.7:  # recessed web, maybe holes
        rim_in = ro - h * 1.2 - ro * 0.06
        dep = w * rng.uniform(0.25, 0.4)
        hub_r = rb * 2.0
        if rim_in > hub_r * 1.3:
            cuts += [sh.tube(hub_r, rim_in, dep + tf, sec, w - dep),
                     sh.tube(hub_r, rim_in, dep + tf, sec, -tf - 0.01)]
            if rng.random() < 0.5:
                rr = (rim_in - hub_r) * 0.3
                cuts.append(extrude(holes(bolt_circle(int(rng.integers(4, 7)),
                                                      (rim_in + hub_r) / 2), rr, 24), 4 * w,
                                    -2 * w))
    body = sh.union(*bodies)
    top = float(body.bounds[1, 2]) + 1
    bore = keyed_bore(rb, rng, sec, False) if kind == "timing_idler" else keyed_bore(rb, rng, sec)
    body = sh.difference(body, extrude(bore, top - low + 2, low - 1), *cuts)
    return centred(body, f"{kind}_pulley")
