"""Clamps: C-clamps, two-half pipe clamps, hose clamps, U-bolts, and the class's builder.

Bare C-frames, strap clamps, split collars and one-piece pipe clips live in ``clamps_flat``,
the toggle clamps in ``clamps_toggle``.

Their studs, nuts, bolts and link bars come from ``threads`` and ``hardware``, shared with the
hook and joint families; the U-bolt's bend is swept with the ``paths`` tools.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, one_of
from pointcam_gui.core.synthetic.clamps_flat import (
    c_frame,
    pipe_clip,
    pipe_strap,
    split_collar,
    strap_clamp,
)
from pointcam_gui.core.synthetic.clamps_toggle import horizontal_toggle_clamp, toggle_clamp
from pointcam_gui.core.synthetic.hardware import hex_bolt, hex_nut
from pointcam_gui.core.synthetic.paths import round_section, section_sweep, turtle
from pointcam_gui.core.synthetic.shapes import difference as cut
from pointcam_gui.core.synthetic.shapes import union as fuse
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh


def _flat(shape: object, thickness: float, z0: float = 0.0) -> Mesh:
    """Extrude a shapely (x, z) outline ``thickness`` along Y, centred on y = 0 + z0."""
    plate = trimesh.creation.extrude_polygon(shape, thickness)
    plate.apply_translation([0, 0, -thickness / 2 + z0])
    return sh.rotated(plate, np.pi / 2, [1, 0, 0])


def c_clamp(rng: np.random.Generator) -> Mesh:
    """G-clamp: ribbed C frame, spindle with swivel pad and a sliding T-bar handle."""
    from shapely.geometry import LineString

    k = sh.sections(rng, 12, 48)
    gap = rng.uniform(40, 250)
    depth = gap * rng.uniform(0.5, 1.0)
    w = gap * rng.uniform(0.14, 0.24)
    t = w * rng.uniform(0.4, 0.7)
    d = max(6.0, gap * rng.uniform(0.08, 0.13))
    zt, zb = gap / 2 + w / 2, -gap / 2 - w / 2
    line = LineString([(0, zt), (-depth, zt), (-depth, zb), (0, zb)])
    outline = line.buffer(w / 2, quad_segs=max(2, k // 8), join_style="round",
                          cap_style="flat")
    frame = _flat(outline, t)
    if rng.random() < 0.7:  # I-section: pockets on both faces leave a web and flanges
        rib = w * rng.uniform(0.15, 0.25)
        inner = line.buffer(w / 2 - rib, join_style="round", cap_style="flat")
        pocket = _flat(inner, t * 0.35)
        frame = cut(frame, sh.moved(pocket, [0, t * 0.45, 0]),
                              sh.moved(pocket, [0, -t * 0.45, 0]))
    boss = sh.cylinder(d * rng.uniform(0.9, 1.3), w * 1.1, k, zt - w * 0.55)
    anvil = sh.cylinder(d * rng.uniform(1.0, 1.6), w * 0.9, k, zb - w * 0.45)
    frame = fuse(frame, boss, anvil)
    pad_z = -gap / 2 + rng.uniform(0.05, 0.8) * gap
    screw_len = zt + w + d * rng.uniform(2, 5) - pad_z
    screw = threaded_rod(d / 2, screw_len, rng, k, pad_z + d * 0.3)
    pad = sh.revolve([(0, pad_z), (d * 1.1, pad_z), (d * 1.1, pad_z + d * 0.35),
                      (d * 0.6, pad_z + d * 0.6), (0, pad_z + d * 0.6)], k)
    top = pad_z + screw_len + d * 0.2
    hub = sh.cylinder(d * 0.75, d * 1.2, k, top - d * 1.2)
    bar_len = gap * rng.uniform(0.5, 1.0)
    off = rng.uniform(-0.4, 0.4) * bar_len
    bar = sh.cylinder_between([off - bar_len / 2, 0, top - d * 0.6],
                              [off + bar_len / 2, 0, top - d * 0.6], d * 0.3, k)
    knobs = [sh.sphere(d * 0.45, [off + s * bar_len / 2, 0, top - d * 0.6], 1) for s in (-1, 1)]
    mesh = sh.combine(frame, fuse(screw, hub), pad, bar, *knobs)
    return centred(mesh, "c_clamp")


def pipe_clamp(rng: np.random.Generator) -> Mesh:
    """Two-half pipe clamp: semicircular bands with bolted ears, optional liner and boss nut."""
    from shapely.geometry import Point, box

    k = sh.sections(rng, 16, 64)
    quad = max(3, k // 4)
    r = rng.uniform(8, 120)
    t = max(1.5, r * rng.uniform(0.04, 0.12))
    band_w = max(12.0, r * rng.uniform(0.25, 0.7))
    liner = r * rng.uniform(0.05, 0.12) if rng.random() < 0.4 else 0.0
    ri = r + liner
    g = max(2.0, r * rng.uniform(0.05, 0.15))
    ear = max(8.0, r * rng.uniform(0.25, 0.45))
    et = t * rng.uniform(1.0, 2.0)
    d = max(4.0, min(ear * 0.5, r * 0.2))
    ring = Point(0, 0).buffer(ri + t, quad_segs=quad).difference(
        Point(0, 0).buffer(ri, quad_segs=quad))
    half = ring.intersection(box(-2 * r - 9 * ear, g / 2, 2 * r + 9 * ear, 2 * r + 9 * ear))
    ears = [box(s * ri, g / 2, s * (ri + t + ear), g / 2 + et) for s in (-1, 1)]
    shape = half.union(ears[0]).union(ears[1])
    upper = trimesh.creation.extrude_polygon(shape, band_w)
    ex = ri + t + ear * 0.55
    holes = [sh.cylinder_between([s * ex, -3 * r, band_w / 2], [s * ex, 3 * r, band_w / 2],
                                 d * 0.55, 12) for s in (-1, 1)]
    parts = []
    for sign in (1, -1):
        half_m = cut(upper, *holes)
        if sign < 0:
            half_m = sh.rotated(half_m, np.pi, [0, 0, 1])
        parts.append(half_m)
    if rng.random() < 0.5:  # welded mounting nut on top for a threaded rod
        nut = hex_nut(d * 2.2, d * 1.1, d * 0.5, k, 0)
        parts[0] = fuse(parts[0], sh.moved(sh.aligned(nut, [0, 1, 0]),
                                                [0, ri + t * 0.7, band_w / 2]))
    if liner:
        parts.append(sh.tube(r, ri + 0.01, band_w * 0.98, k, band_w * 0.01))
    bolt_len = 2 * et + g + d * rng.uniform(0.8, 2.0)
    for s in (-1, 1):
        bolt = hex_bolt(d, bolt_len, 12, rng)
        nut = hex_nut(1.6 * d, 0.8 * d, d * 0.5, 12, 2 * et + g)
        parts.append(sh.moved(sh.rotated(sh.combine(bolt, nut), -np.pi / 2, [1, 0, 0]),
                              [s * ex, -g / 2 - et, band_w / 2]))
    return centred(sh.combine(*parts), "pipe_clamp")


def hose_clamp(rng: np.random.Generator) -> Mesh:
    """Worm-drive hose clamp: thin perforated band ring with a screw housing on top."""
    k = sh.sections(rng, 24, 96)
    r = rng.uniform(6, 90)
    w = rng.choice([8.0, 9.0, 12.0, 14.0]) * rng.uniform(0.9, 1.1)
    t = rng.uniform(0.5, 1.0)
    band = sh.tube(r, r + t, w, k, -w / 2)
    wrap = sh.revolve([(r + t, -w * 0.45), (r + 2 * t, -w * 0.45), (r + 2 * t, w * 0.45),
                       (r + t, w * 0.45)], k)
    window = sh.box([4 * r, 4 * r, 2 * w], [0, -2 * r * rng.uniform(0.2, 1.0), 0])
    wrap = cut(wrap, window)
    hl, hw, hh = w * rng.uniform(1.5, 2.0), w * rng.uniform(1.1, 1.3), w * rng.uniform(0.6, 0.8)
    house = cut(sh.box([hl, hh, hw], [0, r + t + hh / 2, 0]),
                          sh.box([hl * 1.2, hh * 0.6, hw * 0.8], [0, r + t + hh * 0.45, 0]))
    sd = hh * 0.5
    screw = threaded_rod(sd / 2, hl * 1.1, rng, 12, -hl * 0.55)
    head = cut(hex_nut(sd * 1.6, sd * 0.8, 0.01, 12, hl * 0.55),
                         sh.box([sd * 2, sd * 0.25, sd * 0.6], [0, 0, hl * 0.55 + sd * 0.8]))
    worm = sh.moved(sh.aligned(fuse(screw, head), [1, 0, 0]), [0, r + t + hh * 0.5, 0])
    parts = [fuse(band, wrap, house), worm]
    return centred(sh.combine(*parts), "hose_clamp")


def u_bolt(rng: np.random.Generator) -> Mesh:
    """U-bolt (round or square bend) with threaded legs, a saddle bar and nuts."""
    k = sh.sections(rng, 10, 40)
    r = rng.uniform(3, 12)
    rb = r * rng.uniform(2.5, 10)
    leg = rb * rng.uniform(1.2, 3.5)
    if rng.random() < 0.75:
        moves = [(0.0, leg), (rb, 180.0), (0.0, leg)]
    else:
        c = rb * 0.3
        moves = [(0.0, leg), (c, 90.0), (0.0, 2 * (rb - c)), (c, 90.0), (0.0, leg)]
    path = turtle((-rb, leg), -90, moves, max(r * 0.5, rb * np.pi / k))
    rod = section_sweep(path, round_section(k), r)
    thread = min(leg * rng.uniform(0.3, 0.7), leg - r)
    for s in (-1, 1):
        rod = fuse(rod, threaded_rod(r * 1.01, thread, rng, k, leg - thread - r * 0.01)
                       .apply_translation([s * rb, 0, 0]))
    z = leg - thread + thread * rng.uniform(0.0, 0.4)
    bt = r * rng.uniform(1.0, 2.0)
    bw = r * rng.uniform(2.5, 5)
    bar = sh.box([2 * rb + 5 * r, bw, bt], [0, 0, z - bt / 2])
    bar = cut(bar, *[sh.cylinder(r * 1.1, bt * 3, 12, z - 2 * bt)
                               .apply_translation([s * rb, 0, 0]) for s in (-1, 1)])
    parts = [rod, bar]
    for s in (-1, 1):
        parts.append(hex_nut(3.2 * r, 1.6 * r, 0.95 * r, k, z).apply_translation([s * rb, 0, 0]))
        if rng.random() < 0.5:
            parts.append(hex_nut(3.2 * r, 1.6 * r, 0.95 * r, k, z + 1.7 * r)
                         .apply_translation([s * rb, 0, 0]))
    mesh = sh.combine(*parts)
    return centred(mesh, "u_bolt")


# The bare and single-piece clamps of ``clamps_flat`` are what most downloaded CAD clamps are.
BUILDERS: dict[str, Builder] = {"Clamps": one_of(
    [c_clamp, pipe_clamp, hose_clamp, u_bolt, toggle_clamp, horizontal_toggle_clamp, c_frame,
     strap_clamp, split_collar, pipe_clip, pipe_strap],
    [0.11, 0.11, 0.09, 0.1, 0.07, 0.06, 0.09, 0.11, 0.09, 0.09, 0.09])}
