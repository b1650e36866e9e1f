"""Outlier turned parts: spacers and standoffs, stepped shafts, shaft couplings.

Kept clear of the classes they resemble: a spacer is at least 1.5 times as long as it is wide
(shorter, it is a washer), a shaft has at least three steps and a keyway, flat or groove (a
plain rod is a pin), and nothing is hexagonal (that is a nut). Axis along +Z.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely.geometry import Polygon
from shapely.ops import unary_union

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.others_profiles import Shape, circle, extrude, keyed_bore, slot
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh
Rng = np.random.Generator
Profile = list[tuple[float, float]]

SPACER_KINDS = {"round_spacer": 1.3, "flanged_spacer": 1.0, "male_female_standoff": 1.0}
SHAFT_KINDS = {"keyed_shaft": 1.5, "stepped_shaft": 1.0, "flatted_shaft": 1.0,
               "threaded_end_shaft": 0.8}
COUPLING_KINDS = {"rigid_sleeve": 1.0, "clamp_sleeve": 1.0, "jaw": 1.2, "oldham": 0.8}


def radial_cutter(shape: Shape, r_lo: float, r_hi: float, angle: float = 0.0) -> Mesh:
    """Cutter for an outline drawn in (z, y) that reaches radially from ``r_lo`` to ``r_hi``
    along +X (a keyway, a flat), turned ``angle`` about Z."""
    cutter = extrude(shape, r_hi - r_lo, -r_hi)
    return sh.rotated(sh.rotated(cutter, -np.pi / 2, [0, 1, 0]), angle, [0, 0, 1])


def spacer(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, SPACER_KINDS)
    sec = sh.sections(rng, 16, 64)
    ro = loguniform(rng, 2.5, 25)
    length = 2 * ro * loguniform(rng, 1.6, 6)
    rb = ro * rng.uniform(0.45, 0.7)  # a tube, not a pin
    c = ro * float(rng.choice([0.0, rng.uniform(0.05, 0.15)]))
    if kind == "male_female_standoff":
        rb = min(rb, 0.5 * ro)  # a tapped hole leaves a wall for the wrench flats
        depth = length * rng.uniform(0.4, 0.7)
        prof: Profile = [(0.0, 0.0), (ro - c, 0.0), (ro, c), (ro, length - c), (ro - c, length),
                         (rb, length), (rb, length - depth), (0.0, length - depth - rb * 0.6)]
        body = sh.revolve(prof, sec)
        stud = threaded_rod(rb * 0.95, ro * 2 * rng.uniform(0.6, 1.3), rng, sec, 0.0)
        body = sh.union(body, sh.moved(stud, [0, 0, -float(stud.bounds[1, 2]) + 0.01]))
        if rng.random() < 0.6:  # two wrench flats, never six
            w = ro * rng.uniform(0.12, 0.25)
            zone = slot((length * 0.2, 0), (length * 0.8, 0), 4 * ro)
            body = sh.difference(body, radial_cutter(zone, ro - w, ro * 2),
                                 radial_cutter(zone, ro - w, ro * 2, np.pi))
        return centred(body, kind)
    if kind == "round_spacer":
        prof = [(rb, 0.0), (ro - c, 0.0), (ro, c), (ro, length - c), (ro - c, length),
                (rb, length)]
    else:  # flanged spacer
        rf = ro * rng.uniform(1.35, 2.0)
        tf = max(0.6, length * rng.uniform(0.06, 0.15))
        prof = [(rb, 0.0), (rf, 0.0), (rf, tf), (ro, tf), (ro, length - c), (ro - c, length),
                (rb, length)]
    body = sh.revolve(prof, sec)
    if rng.random() < 0.25:  # a cross hole for a roll pin or grease
        z = length * rng.uniform(0.3, 0.7)
        body = sh.difference(body, sh.cylinder_between([-2 * ro, 0, z], [2 * ro, 0, z],
                                                       rb * 0.5, 16))
    return centred(body, kind)


def shaft(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, SHAFT_KINDS)
    sec = sh.sections(rng, 24, 96)
    d0 = loguniform(rng, 5, 60)
    n = int(rng.integers(3, 7))
    peak = int(rng.integers(0, n))
    radii = [d0 / 2 * rng.uniform(0.78, 0.92) ** abs(i - peak) for i in range(n)]
    lengths = [d0 * rng.uniform(0.5, 2.5) for _ in range(n)]
    lengths[peak] *= 0.5 if rng.random() < 0.5 else 1.5
    scale = min(1.0, 450.0 / sum(lengths))
    lengths = [v * scale for v in lengths]
    prof: Profile = [(0.0, 0.0)]
    z = 0.0
    cuts: list[Mesh] = []
    spans = []
    for r, h in zip(radii, lengths, strict=True):
        c = min(r * 0.1, h * 0.1)
        prof += [(r - c, z), (r, z + c), (r, z + h - c), (r - c, z + h)]
        spans.append((z, z + h, r))
        z += h
    prof.append((0.0, z))
    body = sh.revolve(prof, sec)
    ends = [0, n - 1]
    if kind in ("keyed_shaft", "threaded_end_shaft") or rng.random() < 0.3:
        for i in (ends if rng.random() < 0.4 else [int(rng.choice(ends))]):
            z0, z1, r = spans[i]
            w = max(1.0, r * rng.uniform(0.45, 0.6))
            e = min(w, (z1 - z0) * 0.15)
            if z1 - z0 - 2 * e > w:
                cuts.append(radial_cutter(slot((z0 + e + w / 2, 0), (z1 - e - w / 2, 0), w),
                                          r - w * 0.55, r * 2))
    if kind == "flatted_shaft" or rng.random() < 0.2:
        z0, z1, r = spans[-1]
        zone = slot((z1 - (z1 - z0) * rng.uniform(0.5, 0.8), 0), (z1 + 4 * r, 0), 4 * r)
        cuts.append(radial_cutter(zone, r * rng.uniform(0.75, 0.9), 2 * r))
    if kind == "threaded_end_shaft":
        z0, z1, r = spans[0]
        pitch = max(0.5, r * 0.15)
        grooves = [sh.tube(r - pitch * 0.5, r * 1.2, pitch * 0.5, sec, zz)
                   for zz in np.arange(z0 + pitch, z0 + (z1 - z0) * 0.7, pitch)]
        cuts += grooves[:60]
    if rng.random() < 0.4:  # retaining-ring groove on a middle step
        z0, z1, r = spans[int(rng.integers(1, n - 1))]
        g = max(0.5, r * 0.08)
        cuts.append(sh.tube(r - g, r * 1.3, g * 1.2, sec, z0 + (z1 - z0) * rng.uniform(0.2, 0.8)))
    return centred(sh.difference(body, *cuts), kind)


def _sector(r0: float, r1: float, a: float, width: float, k: int = 8) -> Polygon:
    t = np.linspace(a - width / 2, a + width / 2, k)
    return Polygon(np.vstack([np.column_stack([r1 * np.cos(t), r1 * np.sin(t)]),
                              np.column_stack([r0 * np.cos(t[::-1]), r0 * np.sin(t[::-1])])]))


def _set_screws(z: float, r: float, rb: float, n: int) -> list[Mesh]:
    hole = sh.cylinder_between([0, 0, z], [r * 1.5, 0, z], max(0.6, 0.22 * r), 12)
    return [sh.rotated(hole, k * np.pi / 2, [0, 0, 1]) for k in range(n)]


def coupling(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, COUPLING_KINDS)
    sec = sh.sections(rng, 24, 80)
    r = loguniform(rng, 6, 45)
    rb = r * rng.uniform(0.25, 0.45)
    if kind in ("rigid_sleeve", "clamp_sleeve"):
        length = 2 * r * rng.uniform(1.3, 2.5)
        c = r * rng.uniform(0.03, 0.08)
        body = sh.revolve([(0.0, 0.0), (r - c, 0.0), (r, c), (r, length - c), (r - c, length),
                           (0.0, length)], sec)
        cuts = [extrude(keyed_bore(rb, rng, sec), length + 2, -1)]
        if kind == "rigid_sleeve":
            for z in (length * 0.25, length * 0.75):
                cuts += _set_screws(z, r, rb, int(rng.integers(1, 3)))
        else:
            gap = max(0.5, r * 0.06)
            xs = (rb + r) / 2
            if rng.random() < 0.5:  # one slit the whole length
                cuts.append(sh.box([r * 2, gap, length + 2], [r, 0, length / 2]))
                zs = [length * 0.25, length * 0.75]
            else:  # each end clamps on its own
                zs = [length * 0.22, length * 0.78]
                for zc in zs:
                    cuts.append(sh.box([r * 2, gap, length * 0.42], [r, 0, zc]))
            for zc in zs:
                screw = max(0.8, (r - rb) * 0.22)
                cuts.append(sh.cylinder_between([xs, -2 * r, zc], [xs, 2 * r, zc], screw, 12))
                cuts.append(sh.cylinder_between([xs, r * 0.5, zc], [xs, 2 * r, zc],
                                                screw * 1.7, 16))
        return centred(sh.difference(body, *cuts), f"{kind}_coupling")
    h = r * rng.uniform(0.6, 1.2)
    if kind == "jaw":
        n = int(rng.choice([2, 3, 3, 4]))
        alpha = np.pi / n * rng.uniform(0.55, 0.7)
        j = r * rng.uniform(0.5, 0.9)
        hub1 = sh.union(sh.cylinder(r, h, sec), extrude(unary_union(
            [_sector(rb * 1.25, r, 2 * np.pi * i / n, alpha) for i in range(n)]), j + 0.01,
            h - 0.01))
        # The elastomer spider shows between the jaws, a little inside their outer radius.
        spider = extrude(unary_union([circle(rb * 1.6, k=sec).difference(circle(rb * 1.25, k=sec)),
                                      *[_sector(rb * 1.25, r * 0.9, np.pi * (i + 0.5) / n,
                                                np.pi / n - alpha + 0.02)
                                        for i in range(2 * n)]]), j, h)
        hub2 = sh.rotated(sh.moved(hub1, [0, 0, -(2 * h + j)]), np.pi, [1, 0, 0])
        hub2 = sh.rotated(hub2, np.pi / n, [0, 0, 1])
        body = sh.union(hub1, hub2, spider)
        total = 2 * h + j
    else:  # Oldham: two slotted hubs and a floating centre disc with crossed tongues
        gap = r * 0.06
        tw = r * rng.uniform(0.3, 0.45)
        td = h * rng.uniform(0.2, 0.35)
        dt = h * rng.uniform(0.4, 0.7)
        hub1 = sh.difference(sh.cylinder(r, h, sec),
                             sh.box([3 * r, tw, 2 * td], [0, 0, h]))
        disc = sh.union(sh.cylinder(r * 0.93, dt, sec, h + gap),
                        sh.box([2 * r * 0.95, tw * 0.9, td * 2 + 0.02], [0, 0, h + gap]),
                        sh.box([tw * 0.9, 2 * r * 0.95, td * 2 + 0.02], [0, 0, h + gap + dt]))
        disc = sh.intersection(disc, sh.cylinder(r, dt + 2 * td, sec, h + gap - td + 0.001))
        hub2 = sh.rotated(hub1, np.pi, [1, 0, 0])
        hub2 = sh.rotated(sh.moved(hub2, [0, 0, 2 * h + 2 * gap + dt]), np.pi / 2, [0, 0, 1])
        body = sh.combine(hub1, disc, hub2)
        total = 2 * h + 2 * gap + dt
    cuts = []
    for z0 in (0.0, total - h):
        cuts.append(extrude(keyed_bore(rb, rng, sec), h + 0.02, z0 - 0.01))
    if kind == "oldham":
        cuts.append(sh.cylinder(rb, total, sec, 0.0))
        parts = body.split(only_watertight=False)
        body = sh.combine(*[sh.difference(p, *cuts) for p in parts])
    else:
        body = sh.difference(body, *cuts, *_set_screws(h / 2, r, rb, 1),
                             *_set_screws(total - h / 2, r, rb, 1))
    return centred(body, f"{kind}_coupling")
