"""Clamps as real CAD files often hold them: bare C-frames, strap clamps, split collars, clips.

These are the single-piece or nearly bare clamps that catalogue and hobby models show: a G-clamp
frame without its screw, a slotted hold-down strap bent into a heel, a split shaft collar with
its pinch screw, and single-piece pipe clips (pinch ears or a P-clip loop). Every one keeps what
makes it a clamp: two jaws or a bore around a shaft, closed by a screw or a slot for one. The
split hub on a screw-down foot stands for the 3D-printed tube clamps of hobby files.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely.geometry import LineString, Point
from shapely.geometry import box as rect

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform
from pointcam_gui.core.synthetic.hardware import hex_bolt, hex_nut
from pointcam_gui.core.synthetic.shapes import difference as cut
from pointcam_gui.core.synthetic.shapes import union as fuse

Mesh = trimesh.Trimesh


def _xz(shape: object, thickness: float) -> Mesh:
    """Extrude a shapely outline drawn in (x, z) ``thickness`` along Y, centred on y = 0."""
    plate = trimesh.creation.extrude_polygon(shape, thickness)
    plate.apply_translation([0, 0, -thickness / 2])
    return sh.rotated(plate, np.pi / 2, [1, 0, 0])


def _screw(d: float, length: float, k: int) -> Mesh:
    """Socket-head cap screw on +Z, head below z = 0, plain (unthreaded) shank."""
    head = sh.cylinder(0.8 * d, d, k, -d)
    head = cut(head, sh.hex_prism(0.8 * d, d, -1.2 * d))
    return fuse(head, sh.cylinder(d / 2, length, k, -0.01))


def c_frame(rng: np.random.Generator) -> Mesh:
    """Bare G-clamp / C-clamp frame: a C of bar with a tapped boss and a flat anvil."""
    k = sh.sections(rng, 10, 40)
    gap = loguniform(rng, 25, 250)
    depth = gap * rng.uniform(0.45, 1.1)
    w = gap * rng.uniform(0.22, 0.38)
    t = w * rng.uniform(0.5, 0.9)
    d = max(4.0, gap * rng.uniform(0.1, 0.16))
    zt, zb = gap / 2 + w / 2, -gap / 2 - w / 2
    if rng.random() < 0.85:  # square-cornered deep throat
        line = LineString([(0, zt), (-depth, zt), (-depth, zb), (0, zb)])
    else:  # rounded back, as on light malleable clamps
        a = np.linspace(np.pi / 2, 3 * np.pi / 2, 24)
        rr = (zt - zb) / 2
        jaw = gap * rng.uniform(0.35, 0.6)  # straight jaws keep it a clamp, not a hook
        line = LineString([(0, zt), *zip(-jaw + rr * np.cos(a), rr * np.sin(a), strict=True),
                           (0, zb)])
    join = "round" if rng.random() < 0.6 else "mitre"
    frame = _xz(line.buffer(w / 2, quad_segs=max(2, k // 8), join_style=join,
                            cap_style="flat"), t)
    if rng.random() < 0.45:  # I-section pockets
        rib = w * rng.uniform(0.15, 0.25)
        pocket = _xz(line.buffer(w / 2 - rib, join_style=join, cap_style="flat"), t * 0.35)
        frame = cut(frame, sh.moved(pocket, [0, t * 0.45, 0]),
                    sh.moved(pocket, [0, -t * 0.45, 0]))
    boss = sh.cylinder(d * rng.uniform(0.9, 1.3), w * 1.1, k, zt - w * 0.55)
    anvil = sh.cylinder(d * rng.uniform(1.0, 1.6), w * rng.uniform(0.7, 1.0), k, zb - w * 0.4)
    frame = cut(fuse(frame, boss, anvil), sh.cylinder(d / 2, w * 3, k, zt - w * 1.5))
    parts = [frame]
    if rng.random() < 0.3:  # the loose screw lying beside it, as in a parts download
        screw = sh.cylinder(d / 2, gap * rng.uniform(0.8, 1.3), k, 0)
        parts.append(sh.moved(sh.aligned(screw, [1, 0, 0]), [depth * 0.2, 0, zt + w * 1.5]))
    return centred(sh.combine(*parts), "c_frame")


def strap_clamp(rng: np.random.Generator) -> Mesh:
    """Strap / hold-down clamp: a flat bar with a long slot, flat, bent to a gooseneck, on a
    heel block or a staircase of steps under its back end; often tapered to a narrow nose."""
    k = sh.sections(rng, 10, 32)
    length = loguniform(rng, 40, 250)
    w = length * rng.uniform(0.18, 0.35)
    t = length * rng.uniform(0.06, 0.14)
    form = str(rng.choice(["flat", "gooseneck", "heel", "stepped"], p=[0.25, 0.25, 0.25, 0.25]))
    drop = length * rng.uniform(0.12, 0.3)
    if form == "gooseneck":  # bent strap: the nose drops down to the work
        run = length * rng.uniform(0.55, 0.7)
        pts = [(0, 0), (run, 0), (run + drop * 0.7, -drop), (length, -drop)]
    else:
        pts = [(0, 0), (length, 0)]
    bar = _xz(LineString(pts).buffer(t / 2, cap_style="flat", join_style="mitre"), w)
    if form == "heel":  # heel block under the back end
        bar = fuse(bar, sh.box([length * 0.14, w, drop], [length * 0.07, 0, -t / 2 - drop / 2
                                                          + 0.01]))
    elif form == "stepped":  # stair-stepped heel: each step shorter, the lowest the shortest
        n, run = int(rng.integers(2, 5)), length * rng.uniform(0.2, 0.45)
        rise = t * rng.uniform(0.4, 1.0)
        bar = fuse(bar, *[sh.box([run * (1 - i / n), w, rise], [run * (1 - i / n) / 2, 0,
                                                                 -t / 2 - rise * (i + 0.5) + 0.01])
                          for i in range(n)])
    if rng.random() < 0.45:  # nose tapered in plan to bear on a small area
        nose = length * rng.uniform(0.15, 0.35)
        tip = w * rng.uniform(0.3, 0.6) / 2
        wedge = [sh.prism([(length - nose, s * w / 2), (length + 1, s * tip),
                           (length + 1, s * w), (length - nose, s * w)], length, -length / 2)
                 for s in (-1, 1)]
        bar = cut(bar, *wedge)
    slot_l = length * rng.uniform(0.25, 0.45)
    sw = w * rng.uniform(0.3, 0.45)
    sx = length * rng.uniform(0.3, 0.45)
    slot = fuse(sh.box([slot_l, sw, t * 6], [sx, 0, 0]),
                *[sh.cylinder(sw / 2, t * 6, k, -3 * t).apply_translation([sx + s * slot_l / 2,
                                                                           0, 0])
                  for s in (-1, 1)])
    bar = cut(bar, slot)
    if form != "heel" and rng.random() < 0.5:  # tapped hole for a heel screw at the back
        bar = cut(bar, sh.cylinder(sw * 0.4, t * 4, k, -2 * t).apply_translation(
            [length * 0.07, 0, 0]))
    parts = [bar]
    if rng.random() < 0.35:  # stud, washer and nut through the slot
        parts.append(sh.cylinder(sw * 0.45, t * rng.uniform(4, 8), k, -t * 3)
                     .apply_translation([sx, 0, 0]))
        parts.append(hex_nut(sw * 1.6, sw * 0.8, sw * 0.45, k, t / 2 + sw * 0.2)
                     .apply_translation([sx, 0, 0]))
    return centred(sh.combine(*parts), "strap_clamp")


def split_collar(rng: np.random.Generator) -> Mesh:
    """Split shaft collar / clamp hub: a ring cut through once, pinched by a tangential screw."""
    k = sh.sections(rng, 16, 64)
    ri = loguniform(rng, 3, 40)
    ro = ri * rng.uniform(1.6, 2.3)
    width = ri * rng.uniform(0.6, 1.3)
    slit = max(0.5, ri * rng.uniform(0.06, 0.15))
    d = max(2.0, (ro - ri) * rng.uniform(0.35, 0.5))
    body = sh.tube(ri, ro, width, k, -width / 2)
    mount = rng.random() < 0.3  # printed tube clamp: the same hub on a screw-down foot
    lug = mount or rng.random() < 0.4  # clamping lug: a block standing out beside the slit
    xs = (ri + ro) / 2
    if mount:
        span, tf = ro * rng.uniform(3.0, 4.0), (ro - ri) * rng.uniform(0.8, 1.4)
        foot = sh.box([tf, span, width], [-ro + tf / 2 - (ro - ri) * 0.3, 0, 0])
        holes = [sh.cylinder_between([-3 * ro, y, 0], [0, y, 0], max(1.5, width * 0.15), 12)
                 for y in (-span * 0.38, span * 0.38)]
        body = cut(fuse(body, foot), *holes, sh.cylinder(ri, width * 3, k, -width * 1.5))
    if lug:
        body = fuse(body, sh.box([(ro - ri) * 1.6, d * 3.4, width], [ro, 0, 0]))
        xs = ro + (ro - ri) * 0.1
    body = cut(body, sh.box([ro * 2, slit, width * 2], [ro, 0, 0]),
               sh.cylinder_between([xs, -ro * 2, 0], [xs, ro * 2, 0], d / 2, 16))
    parts = [body]
    if rng.random() < 0.6:  # the cap screw in its hole
        screw = _screw(d, d * 3 + slit, 16)
        parts.append(sh.moved(sh.aligned(screw, [0, 1, 0]), [xs, -d * 1.7, 0]))
    return centred(sh.combine(*parts), "tube_clamp" if mount else "split_collar")


def pipe_clip(rng: np.random.Generator) -> Mesh:
    """One-piece pipe clip: a band with two pinch ears and a bolt, or a P-clip loop and tab."""
    k = sh.sections(rng, 12, 64)
    quad = max(2, k // 4)
    r = loguniform(rng, 5, 80)
    t = max(1.0, r * rng.uniform(0.05, 0.2))
    band = max(6.0, r * rng.uniform(0.3, 0.9))
    ear = max(6.0, r * rng.uniform(0.35, 0.7))
    hole = min(ear * 0.25, max(1.5, r * 0.12))
    if rng.random() < 0.55:
        g = max(1.0, r * rng.uniform(0.08, 0.25))
        ring = Point(0, 0).buffer(r + t, quad_segs=quad).difference(
            Point(0, 0).buffer(r, quad_segs=quad))
        ring = ring.difference(rect(0, -g / 2, 2 * r, g / 2))
        ears = [rect(r * 0.7, s * g / 2, r + t + ear, s * (g / 2 + t)) for s in (-1, 1)]
        shape = ring.union(ears[0]).union(ears[1])
        sub = "pipe_clip"
        hx, span = r + t + ear * 0.55, g + 2 * t
    else:  # P-clip / cushion clamp: the strap wraps round and both ends lie flat together
        a = np.linspace(-np.pi / 2, 3 * np.pi / 2 - 0.25, 4 * quad + 4)
        rc = r + t / 2
        tab = rc + ear
        pts = [(tab, -rc), *zip(rc * np.cos(a), rc * np.sin(a), strict=True),
               (0, -rc - t), (tab, -rc - t)]
        shape = LineString(pts).buffer(t / 2, quad_segs=quad, cap_style="flat")
        sub = "p_clip"
        hx, span = rc + ear * 0.55, 2 * t
    body = trimesh.creation.extrude_polygon(shape, band)
    hy = span / 2 if sub == "pipe_clip" else -rc - t / 2
    body = cut(body, sh.cylinder_between([hx, hy - 4 * r, band / 2], [hx, hy + 4 * r, band / 2],
                                         hole, 12))
    parts = [body]
    if sub == "p_clip" and rng.random() < 0.4:  # rubber cushion lining the loop
        parts.append(sh.tube(r - t, r - 0.01, band * 0.95, k, band * 0.025))
    if sub == "pipe_clip" and rng.random() < 0.5:
        bolt = hex_bolt(hole * 1.8, span + hole * 3, 12, rng)
        parts.append(sh.moved(sh.rotated(bolt, np.pi / 2, [1, 0, 0]),
                              [hx, span / 2 + 0.1, band / 2]))
    return centred(sh.combine(*parts), sub)


def pipe_strap(rng: np.random.Generator) -> Mesh:
    """Pipe strap / saddle clamp: a half-round arch over a pipe with bolted feet (pressed from
    strip), or a thick printed half-shell with slots for a band strap and a screw boss."""
    k = sh.sections(rng, 12, 64)
    quad = max(2, k // 4)
    r = loguniform(rng, 5, 60)
    if rng.random() < 0.55:  # pressed strap: thin arch, one or two flat feet with holes
        t = max(0.8, r * rng.uniform(0.05, 0.15))
        band = max(6.0, r * rng.uniform(0.4, 1.0))
        foot = r * rng.uniform(0.6, 1.2)
        feet = (-1, 1) if rng.random() < 0.7 else (1,)
        a = np.linspace(np.pi, 0, 4 * quad + 2)
        pts = [(r + t / 2) * np.c_[np.cos(a), np.sin(a)]]
        if -1 in feet:
            pts.insert(0, [(-r - t / 2 - foot, -t / 2), (-r - t / 2, -t / 2)])
        pts.append([(r + t / 2, -t / 2), (r + t / 2 + foot, -t / 2)])
        shape = LineString(np.vstack(pts)).buffer(t / 2, quad_segs=2, cap_style="flat")
        body = _xz(shape, band)
        holes = [sh.cylinder(min(band, foot) * 0.18, t * 6, 12, -3 * t - t / 2)
                 .apply_translation([s * (r + t + foot / 2), 0, 0]) for s in feet]
        return centred(cut(body, *holes), "pipe_strap")
    t = r * rng.uniform(0.15, 0.4)  # printed half-shell
    band = r * rng.uniform(0.8, 1.6)
    span = np.radians(rng.uniform(150, 200))
    ring = Point(0, 0).buffer(r + t, quad_segs=quad).difference(
        Point(0, 0).buffer(r, quad_segs=quad))
    body = _xz(ring.intersection(rect(-2 * (r + t), (r + t) * np.cos(span / 2), 2 * (r + t),
                                      2 * (r + t))), band)
    sw, st = band * rng.uniform(0.2, 0.35), t * rng.uniform(0.25, 0.45)
    slots = [sh.box([r * 4, sw, st], [0, y * band * rng.uniform(0.15, 0.3), r + t * 0.55])
             for y in (-1, 1)]
    boss_r = t * rng.uniform(0.5, 0.9)
    body = cut(fuse(body, sh.cylinder(boss_r, t * 1.5, k, r + t * 0.6)), *slots,
               sh.cylinder(boss_r * 0.4, t * 4, 12, r - t),
               sh.aligned(sh.cylinder(r, band * 3, k, -band * 1.5), [0, 1, 0]))
    return centred(body, "pipe_strap")
