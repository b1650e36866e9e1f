"""Outlier structural parts: bearing and motor housings, enclosures, T-slot extrusion pieces.

Housings are block-like and drilled (pillow blocks, flanged bearing units, NEMA motor mounts,
ribbed boxes with corner bosses); extrusions are one slotted profile swept straight, sometimes
mitred at an end.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely import affinity
from shapely.geometry import Polygon
from shapely.geometry import box as shp_box
from shapely.ops import unary_union

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.others_profiles import (
    circle,
    extrude,
    extrude_xz,
    grid,
    holes,
    rounded_rect,
    slot,
)

Mesh = trimesh.Trimesh
Rng = np.random.Generator

HOUSING_KINDS = {"pillow_block": 1.3, "flange_housing": 1.0, "motor_mount": 1.0,
                 "enclosure": 1.2}
EXTRUSION_KINDS = {"1x1": 1.5, "1x2": 1.0, "2x2": 0.5, "2x4": 0.3}
# NEMA frame: face width, bolt square, pilot diameter.
NEMA = ((42.3, 31.0, 22.0), (56.4, 47.1, 38.1), (86.0, 69.6, 73.0), (28.0, 23.0, 22.0))


def _pillow_block(rng: Rng, sec: int) -> Mesh:
    d = loguniform(rng, 8, 60)
    ro = d / 2 * rng.uniform(1.6, 2.1)
    hc = ro * rng.uniform(1.1, 1.4)
    base_l = ro * rng.uniform(4.2, 6.0)
    tb = ro * rng.uniform(0.35, 0.55)
    wb = ro * rng.uniform(0.8, 1.2)
    side = unary_union([shp_box(-base_l / 2, 0, base_l / 2, tb),
                        Polygon([(-ro * 1.3, tb - 0.01), (ro * 1.3, tb - 0.01), (ro * 0.9, hc),
                                 (-ro * 0.9, hc)]), circle(ro, (0, hc), sec)])
    r = tb * 0.6
    side = side.buffer(r, quad_segs=3).buffer(-r, quad_segs=3)
    body = extrude_xz(side, wb)
    wh = wb * rng.uniform(1.0, 1.35)
    body = sh.union(body, sh.cylinder_between([0, -wh / 2, hc], [0, wh / 2, hc], ro, sec))
    e = (base_l / 2 - ro * 1.3) / 2 + ro * 1.3
    sw = max(2.0, tb * rng.uniform(0.5, 0.8))
    slots = unary_union([slot((sgn * e - sw * 0.4, 0), (sgn * e + sw * 0.4, 0), sw)
                         for sgn in (-1, 1)])
    cuts = [extrude(slots, tb + 2, -1),
            sh.cylinder_between([0, -wh, hc], [0, wh, hc], d / 2, sec)]
    if rng.random() < 0.7:  # bearing seat wider than the shaft, and a grease nipple boss
        cuts.append(sh.cylinder_between([0, -wb * 0.3, hc], [0, wb * 0.3, hc],
                                        d / 2 * rng.uniform(1.3, 1.5), sec))
    boss = sh.cylinder(ro * 0.18, ro * 0.25, 16, hc + ro * 0.9)
    body = sh.union(body, boss)
    cuts.append(sh.cylinder(ro * 0.08, ro * 0.6, 12, hc + ro * 0.7))
    return centred(sh.difference(body, *cuts), "pillow_block_housing")


def _flange_housing(rng: Rng, sec: int) -> Mesh:
    d = loguniform(rng, 8, 60)
    ro = d / 2 * rng.uniform(1.5, 1.9)
    t = ro * rng.uniform(0.3, 0.5)
    two_bolt = rng.random() < 0.4
    if two_bolt:  # a rhombic flange on two bolts
        span = ro * rng.uniform(1.8, 2.3)
        outline = unary_union([circle(ro * 1.2, k=sec), circle(ro * 0.45, (span, 0)),
                               circle(ro * 0.45, (-span, 0))]).convex_hull
        bolts = np.array([(span, 0.0), (-span, 0.0)])
    else:
        a = ro * rng.uniform(2.6, 3.2)
        outline = rounded_rect(a, a, a * rng.uniform(0.05, 0.2))
        bolts = grid(2, 2, a * 0.72, a * 0.72)
    outline = outline.difference(holes(bolts, ro * 0.17, 16))
    h = ro * rng.uniform(0.6, 1.2)
    parts = [extrude(outline, t), sh.cylinder(ro, h + t, sec)]
    if rng.random() < 0.5:  # a pilot spigot under the flange
        parts.append(sh.cylinder(ro * 0.85, h * 0.3, sec, -h * 0.3 + 0.01))
    body = sh.union(*parts)
    body = sh.difference(body, sh.cylinder(d / 2, 4 * (h + t), sec, -2 * (h + t)))
    return centred(body, f"{'two_bolt' if two_bolt else 'four_bolt'}_flange_housing")


def _motor_mount(rng: Rng, sec: int) -> Mesh:
    face, square, pilot = NEMA[int(rng.integers(len(NEMA)))]
    t = face * rng.uniform(0.08, 0.15)
    w = face * rng.uniform(1.0, 1.25)
    foot = face * rng.uniform(0.7, 1.2)
    hv = face * rng.uniform(1.0, 1.2)
    side = unary_union([shp_box(0, 0, foot, t), shp_box(0, 0, t, hv)])
    body = extrude_xz(side, w)
    g = min(foot, hv) * rng.uniform(0.6, 0.9)
    gus = extrude_xz(Polygon([(t - 0.01, t - 0.01), (g, t - 0.01), (t - 0.01, g)]), t)
    body = sh.union(body, sh.moved(gus, [0, (w - t) / 2, 0]), sh.moved(gus, [0, -(w - t) / 2, 0]))
    zc = t + (hv - t) / 2
    face_cut = unary_union([circle(pilot / 2 * rng.uniform(1.0, 1.1), (zc, 0), sec),
                            holes(np.array([(zc, 0.0)]) + grid(2, 2, square, square),
                                  face * 0.045, 16)])
    cutter = sh.rotated(extrude(face_cut, t + 2, -(t + 1)), -np.pi / 2, [0, 1, 0])
    sw = max(3.0, face * 0.08)
    foot_slots = unary_union([slot((foot * 0.45, y), (foot * 0.8, y), sw)
                              for y in (-w * 0.3, w * 0.3)])
    return centred(sh.difference(body, cutter, extrude(foot_slots, t + 2, -1)),
                   "nema_motor_mount")


def _enclosure(rng: Rng, sec: int) -> Mesh:
    lx = loguniform(rng, 30, 250)
    ly = lx * rng.uniform(0.5, 1.0)
    lz = min(lx, ly) * rng.uniform(0.3, 0.9)
    wall = max(1.0, min(lx, ly) * rng.uniform(0.03, 0.07))
    rc = min(lx, ly) * rng.uniform(0.03, 0.15)
    body = extrude(rounded_rect(lx, ly, rc), lz)
    pocket = extrude(rounded_rect(lx - 2 * wall, ly - 2 * wall, max(0.0, rc - wall)), lz, wall)
    body = sh.difference(body, pocket)
    rb = wall * rng.uniform(1.5, 2.5)
    corners = grid(2, 2, lx - 2 * wall - 2 * rb * 0.6, ly - 2 * wall - 2 * rb * 0.6)
    bosses = [sh.cylinder(rb, lz - wall * 0.5, 16, wall - 0.01) for _ in corners]
    bosses = [sh.moved(b, [p[0], p[1], 0]) for b, p in zip(bosses, corners, strict=True)]
    extra: list[Mesh] = list(bosses)
    if rng.random() < 0.6:  # stiffening ribs across the floor
        n = int(rng.integers(1, 4))
        for x in (np.arange(n) - (n - 1) / 2) * lx / (n + 1):
            extra.append(sh.box([wall * 0.8, ly - wall, lz * 0.4], [x, 0, wall + lz * 0.2]))
    if rng.random() < 0.5:  # mounting ears outside two walls
        ear = rounded_rect(rb * 4, rb * 4, rb).difference(circle(rb * 0.6, k=16))
        for sgn in (-1, 1):
            extra.append(extrude(affinity.translate(ear, sgn * (lx / 2 + rb * 1.5), 0),
                                 wall * 1.5))
    body = sh.union(body, *extra)
    cuts = [sh.moved(sh.cylinder(rb * 0.45, lz, 12, wall + lz * 0.2), [p[0], p[1], 0])
            for p in corners]
    if rng.random() < 0.5:  # a cable or connector hole in a wall
        z = lz * rng.uniform(0.4, 0.6)
        cuts.append(sh.cylinder_between([0, 0, z], [lx, 0, z], lz * rng.uniform(0.1, 0.2), 24))
    return centred(sh.difference(body, *cuts), "ribbed_enclosure")


def housing(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, HOUSING_KINDS)
    sec = sh.sections(rng, 24, 80)
    return {"pillow_block": _pillow_block, "flange_housing": _flange_housing,
            "motor_mount": _motor_mount, "enclosure": _enclosure}[kind](rng, sec)


def _slot_cut(a: float, v: bool) -> Polygon:
    """One T- or V-slot cut into the +Y face of an ``a`` square cell centred on the origin."""
    s, lip = a * 0.3, a * 0.09
    deep, wide = a * 0.28, a * 0.5
    top = a / 2 + 0.01
    neck = [(-s / 2, top), (-s / 2, a / 2 - lip), (s / 2, a / 2 - lip), (s / 2, top)]
    if v:
        neck = [(-s / 2 - lip, top), (-s / 2, a / 2 - lip), (s / 2, a / 2 - lip),
                (s / 2 + lip, top)]
    cavity = Polygon([(-wide / 2, a / 2 - lip), (wide / 2, a / 2 - lip),
                      (wide / 2, a / 2 - deep * 0.7), (s / 2, a / 2 - deep),
                      (-s / 2, a / 2 - deep), (-wide / 2, a / 2 - deep * 0.7)])
    return unary_union([Polygon(neck), cavity])


def extrusion(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, EXTRUSION_KINDS)
    nx, ny = (int(c) for c in kind.split("x"))
    a = float(rng.choice([15.0, 20.0, 30.0, 40.0, 45.0]))
    v = rng.random() < 0.35
    cells = [((i - (nx - 1) / 2) * a, (j - (ny - 1) / 2) * a) for i in range(nx)
             for j in range(ny)]
    outline = rounded_rect(nx * a, ny * a, a * rng.uniform(0.02, 0.08))
    slot_shape = _slot_cut(a, v)
    cuts = []
    bore = a * rng.uniform(0.08, 0.13)
    for cx, cy in cells:
        cuts.append(circle(bore, (cx, cy), 16))
        for k in range(4):
            dx, dy = np.round(np.cos(np.pi / 2 * (k + 1))), np.round(np.sin(np.pi / 2 * (k + 1)))
            if (round((cx + dx * a) / a * 2), round((cy + dy * a) / a * 2)) in {
                    (round(x / a * 2), round(y / a * 2)) for x, y in cells}:
                continue
            cuts.append(affinity.translate(affinity.rotate(slot_shape, 90 * k, (0, 0)), cx, cy))
    for (x0, y0), (x1, y1) in [(p, q) for p in cells for q in cells if p < q]:
        if abs(x1 - x0) + abs(y1 - y0) < a * 1.01:  # a hollow between joined cells
            cuts.append(rounded_rect(a * 0.35, a * 0.35, a * 0.05,
                                     ((x0 + x1) / 2, (y0 + y1) / 2)))
    profile = outline.difference(unary_union(cuts))
    length = float(np.clip(a * loguniform(rng, 1.2, 15), 20, 480))
    body = extrude(profile, length)
    name = f"{'v' if v else 't'}slot_{kind}_extrusion"
    if rng.random() < 0.3 and length > 2.5 * nx * a:  # mitred at one end
        cutter = sh.rotated(sh.box([4 * a * nx, 4 * a * ny, 4 * a * max(nx, ny)],
                                   [0, 0, 2 * a * max(nx, ny)]), np.pi / 4, [0, 1, 0])
        body = sh.difference(body, sh.moved(cutter, [0, 0, length - nx * a / 2]))
        name = "mitred_" + name
    return centred(body, name)
