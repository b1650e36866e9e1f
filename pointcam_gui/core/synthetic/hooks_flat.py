"""Hooks bent from flat strip: wall hooks with a screw plate, over-door hooks, strip S-hooks.

Household and workshop hooks are mostly pressed or bent from strip rather than forged: a plate
with screw holes and a bent or J-shaped finger, a thin strip that hangs over a door and ends in
a J, an S bent from flat bar. They are swept with a rectangular section along ``paths`` turtle
centre-lines, so every one keeps the open curl that makes it a hook.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely.geometry import Point, Polygon
from shapely.geometry import box as rect
from shapely.ops import unary_union

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform
from pointcam_gui.core.synthetic.paths import Move, section_sweep, turtle
from pointcam_gui.core.synthetic.shapes import difference as cut
from pointcam_gui.core.synthetic.shapes import union as fuse

Mesh = trimesh.Trimesh
RECT = np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)])


def _strip(moves: list[Move], start: tuple[float, float], heading: float, t: float, w: float,
           k: int) -> tuple[Mesh, np.ndarray]:
    """A strip ``t`` thick (in the XZ plane) and ``w`` wide (along Y) bent along ``moves``."""
    r_min = min([m[0] for m in moves if m[0] > 0] or [t * 4])
    path = turtle(start, heading, moves, max(t * 0.3, r_min * np.pi / k))
    return section_sweep(path, RECT, t / 2, scale_v=w / 2), path


def _screw_holes(zs: list[float], r: float, x: float, depth: float) -> list[Mesh]:
    """Countersunk screw holes along X at heights ``zs`` through a wall plate at ``x``."""
    holes = []
    for z in zs:
        sink = sh.revolve([(0, -depth), (r, -depth), (r, 0.0), (r * 2.0, depth * 0.6),
                           (0, depth * 0.6)], 16)
        holes.append(sh.moved(sh.aligned(sink, [1, 0, 0]), [x, 0, z]))
    return holes


def wall_hook(rng: np.random.Generator) -> Mesh:
    """Flat wall hook: a strip or a plate with screw holes and a bent or J-shaped finger, or (one
    in four) a printed profile hook."""
    k = sh.sections(rng, 8, 32)
    size = loguniform(rng, 30, 160)
    if rng.random() < 0.25:
        return profile_hook(rng, size, k)
    t = max(1.2, size * rng.uniform(0.025, 0.07))
    w = size * rng.uniform(0.12, 0.3)
    reach = size * rng.uniform(0.25, 0.6)
    rj = size * rng.uniform(0.1, 0.25)
    curl = rng.uniform(120, 200)
    finger: list[Move] = [(0, reach), (rj, curl), (0, size * rng.uniform(0.0, 0.15))]
    if rng.random() < 0.55:  # one strip: the plate is its own first leg
        plate_h = size * rng.uniform(0.5, 1.0)
        rb = max(t, size * rng.uniform(0.03, 0.1))
        moves: list[Move] = [(0, plate_h), (rb, 90), *finger]
        body, _ = _strip(moves, (0, plate_h), -90, t, w, k)
        zs = [plate_h * f for f in ((0.75,) if rng.random() < 0.4 else (0.8, 0.4))]
        body = cut(body, *_screw_holes(zs, max(1.2, w * 0.12), t / 2, t * 1.5))
        return centred(body, "wall_hook")
    plate_h, plate_w = size * rng.uniform(0.6, 1.1), w * rng.uniform(1.2, 2.2)
    tp = t * rng.uniform(1.0, 1.8)
    outline = rect(-plate_w / 2, 0, plate_w / 2, plate_h)
    rr = min(plate_w, plate_h) * rng.uniform(0.0, 0.45)
    if rr > 0.5:
        outline = outline.buffer(-rr).buffer(rr, quad_segs=max(2, k // 4))
    plate = trimesh.creation.extrude_polygon(outline, tp)  # drawn in (y, z), thick along +z
    plate.apply_transform(np.array([[0, 0, 1, -tp], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1.0]]))
    z0 = plate_h * rng.uniform(0.15, 0.45)
    hook, _ = _strip([(0, t * 0.5), *finger], (-t * 0.5, z0), float(rng.uniform(-30, 10)), t,
                     w, k)
    zs = [plate_h * 0.82] if rng.random() < 0.5 else [plate_h * 0.85, plate_h * 0.1 + z0 * 0.3]
    body = cut(fuse(plate, hook), *_screw_holes(zs, max(1.2, plate_w * 0.08), 0.0, tp * 1.5))
    if rng.random() < 0.3:  # double hook: a second, shorter finger above
        top, _ = _strip([(0, t * 0.5), (0, reach * 0.5), (rj * 0.7, min(curl, 110))],
                        (-t * 0.5, z0 + plate_h * 0.35), 20.0, t, w * 0.8, k)
        body = fuse(body, top)
    return centred(body, "wall_hook")


def profile_hook(rng: np.random.Generator, size: float, k: int) -> Mesh:
    """A hook drawn as one outline and extruded, as hooks for 3D printing are: a mounting bar
    with screw holes at its ends and, below it, an open C that curls back up."""
    bar_h = size * rng.uniform(0.06, 0.14)
    ro = size * rng.uniform(0.18, 0.32)
    ri = ro * rng.uniform(0.55, 0.8)
    gap = size * rng.uniform(0.0, 0.15)
    cx = size * rng.uniform(-0.15, 0.15)
    centre = Point(cx, -gap - ro)
    ring = centre.buffer(ro, quad_segs=max(4, k // 2)).difference(
        centre.buffer(ri, quad_segs=max(4, k // 2)))
    side = float(rng.choice([-1.0, 1.0]))  # the C opens up one side, 60-140 degrees wide
    a = np.radians(np.linspace(rng.uniform(-40, 30), rng.uniform(90, 100), 8))
    far = 3 * ro
    wedge = Polygon([(cx, -gap - ro), *zip(cx + side * far * np.cos(a),
                                           -gap - ro + far * np.sin(a), strict=True)])
    outline = unary_union([ring.difference(wedge),
                           rect(-size / 2, 0, size / 2, bar_h),
                           rect(cx - (ro - ri) / 2 - side * ro * 0.3, -gap - ro * 0.2,
                                cx + (ro - ri) / 2 - side * ro * 0.3, bar_h / 2)])
    for x in (-size / 2 + bar_h, size / 2 - bar_h):  # screw holes, along the depth
        outline = outline.difference(Point(x, bar_h / 2).buffer(bar_h * rng.uniform(0.2, 0.35)))
    depth = size * rng.uniform(0.08, 0.25)
    body = trimesh.creation.extrude_polygon(outline, depth)
    return centred(body, "profile_hook")


def over_door_hook(rng: np.random.Generator) -> Mesh:
    """Over-door hook: a thin strip over the door's top edge, down the face, ending in a J."""
    k = sh.sections(rng, 8, 32)
    door = rng.uniform(30, 50)
    t = rng.uniform(1.0, 3.0)
    w = rng.uniform(10, 35)
    rb = rng.uniform(1.5, 5.0)
    front = rng.uniform(60, 220)
    rj = rng.uniform(8, 25)
    moves: list[Move] = [(0, rng.uniform(15, 50)), (rb, -90), (0, door), (rb, -90), (0, front),
                         (rj, rng.uniform(150, 200)), (0, rng.uniform(0, 20))]
    body, path = _strip(moves, (0, 0), 90, t, w, k)
    parts = [body]
    if rng.random() < 0.35:  # a second J halfway down the front
        p = path[len(path) // 2 + len(path) // 6]
        extra: list[Move] = [(0, rj * 0.5), (rj * 0.8, 160)]
        hook, _ = _strip(extra, (p[0] + t * 0.4, p[2]), -60, t, w * 0.8, k)
        parts.append(hook)
    return centred(fuse(*parts), "over_door_hook")


def strip_s_hook(rng: np.random.Generator) -> Mesh:
    """S-hook bent from flat strip: two opposed curls of different size, or (two in five) an
    over-the-edge hook bent from wide strip, straight legs and tight bends: a U that grips an
    edge and, opposed to it, a hanging U."""
    k = sh.sections(rng, 8, 32)
    t = rng.uniform(1.0, 5.0)
    if rng.random() < 0.4:
        w = t * rng.uniform(4.0, 14.0)
        rb = t * rng.uniform(0.6, 2.0)
        gap, leg = t * rng.uniform(4, 15), t * rng.uniform(6, 25)
        drop, back = t * rng.uniform(3, 12), t * rng.uniform(6, 25)
        moves: list[Move] = [(0, leg), (rb, 90), (0, gap), (rb, 90),
                             (0, leg * rng.uniform(1.0, 2.5)), (rb, -90), (0, drop), (rb, -90),
                             (0, back)]
        body, _ = _strip(moves, (0, 0), 0, t, w, k)
        return centred(body, "edge_s_hook")
    w = t * rng.uniform(1.5, 3.0)
    r1, r2 = t * rng.uniform(4.0, 10.0, size=2)
    b1, b2 = rng.uniform(10, 60, size=2)
    moves = [(r1, -(180 + b1)), (0, t * rng.uniform(0, 10)), (r2, 180 + b2)]
    body, _ = _strip(moves, (0, 0), 90 + b1, t, w, k)
    return centred(body, "strip_s_hook")
