"""Hooks: crane hooks with an eye or a threaded shank, ramshorn, J-, S-, wire and plate hooks.

Wall, over-door and strip S-hooks bent from flat strip live in ``hooks_flat``.

Bent and forged hooks are swept along turtle centre-lines (``paths``); threaded shanks, nuts
and latches come from ``threads`` and ``hardware``.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, one_of
from pointcam_gui.core.synthetic.hardware import bar_between, hex_nut
from pointcam_gui.core.synthetic.hooks_flat import over_door_hook, strip_s_hook, wall_hook
from pointcam_gui.core.synthetic.paths import (
    Move,
    breaks,
    point_at,
    profile_along,
    round_section,
    section_sweep,
    trapezoid_section,
    turtle,
)
from pointcam_gui.core.synthetic.shapes import union as fuse
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh


def _bend(rng: np.random.Generator, a: float, k: int) -> tuple[np.ndarray, float, float]:
    """Section for the bend: round, or a rounded trapezoid wide on the load side."""
    if rng.random() < 0.3:
        return round_section(k), 1.0, 1.0
    inner, outer = rng.uniform(0.55, 0.8), rng.uniform(0.25, 0.5)
    return trapezoid_section(k, inner, outer, rng.uniform(0.1, 0.3)), inner, outer


def _crane_hook(rng: np.random.Generator, top: str) -> Mesh:
    """Single crane hook (DIN 15401 / eye hook): round shank, thick tapering bend, pointed tip."""
    k = sh.sections(rng, 12, 48)
    a = rng.uniform(12, 70)  # seat radius
    big = a * rng.uniform(1.2, 1.8)  # radial section height at the bend
    rs = a * rng.uniform(0.45, 0.7)
    rc = a + big / 2
    theta = rng.uniform(50, 70)
    rho = rc / (2 * (1 - np.cos(np.radians(theta))))
    beta = rng.uniform(10, 45)
    moves: list[Move] = [(0, rs * rng.uniform(0.5, 2.0)), (rho, -theta), (rho, theta),
                         (0, a * rng.uniform(0.0, 0.6)), (rc, 180 + beta),
                         (0, a * rng.uniform(0.0, 0.5))]
    path = turtle((0, 0), -90, moves, rc * np.pi / k * 1.5)
    f = breaks(moves)
    mid = (f[4] + f[5]) / 2
    scale = profile_along(path, [(0, rs), (f[1], rs), (f[3], big * 0.4), (mid, big / 2),
                                 (f[5], big * 0.35), (1, big * rng.uniform(0.12, 0.2))])
    sec, _, outer = _bend(rng, a, k)
    blend = profile_along(path, [(0, 0), (f[1], 0), (f[3], 1), (f[5], 1), (1, 0.6)])
    body = section_sweep(path, round_section(k), scale, blend_to=sec, blend=blend)
    parts, loose = [body], []
    if top == "eye":
        re = rs * rng.uniform(0.6, 0.9)
        ring_r = a * rng.uniform(0.7, 1.1) + re
        eye = sh.torus(ring_r, re, k * 2, max(8, k // 2))
        eye = sh.rotated(eye, np.pi / 2, [1, 0, 0] if rng.random() < 0.6 else [0, 1, 0])
        parts.append(sh.moved(eye, [0, 0, ring_r + re * 0.2]))
        parts.append(sh.cylinder(rs * 1.1, re * 1.5, k, -re))
    else:
        length = rs * rng.uniform(2.5, 6)
        thread = length * rng.uniform(0.3, 0.6)
        parts.append(sh.cylinder(rs, length - thread + rs, k, -rs))
        parts.append(threaded_rod(rs * 0.9, thread, rng, k, length - thread))
        nut_z = length - thread * rng.uniform(0.6, 0.9)
        nut_h = rs * rng.uniform(1.2, 1.8)
        if rng.random() < 0.5:
            loose.append(hex_nut(rs * 3.2, nut_h, rs * 0.85, k, nut_z))
        else:  # round crosshead nut
            loose.append(sh.tube(rs * 0.85, rs * rng.uniform(1.6, 2.2), nut_h, k, nut_z))
        if rng.random() < 0.5:  # thrust collar beneath the nut
            loose.append(sh.tube(rs * 0.95, rs * 2.4, rs * 0.5, k, nut_z - rs * 0.5))
    if rng.random() < 0.5:  # spring safety latch across the throat
        p0 = point_at(path, (f[1] + f[2]) / 2) + np.array([rs * 0.9, 0, 0])
        p1 = path[-1] + np.array([-big * 0.12, 0, big * 0.05])
        width = big * outer * rng.uniform(0.6, 1.0)
        loose.append(bar_between(p0, p1, width, max(1.0, a * 0.08)))
        loose.append(sh.moved(sh.aligned(sh.cylinder(a * 0.1, width * 1.4, k, -width * 0.7),
                                         [0, 1, 0]), p0))
    return sh.combine(fuse(*parts), *loose)


def eye_hook(rng: np.random.Generator) -> Mesh:
    return centred(_crane_hook(rng, "eye"), "eye_hook")


def shank_hook(rng: np.random.Generator) -> Mesh:
    return centred(_crane_hook(rng, "shank"), "shank_hook")


def ramshorn_hook(rng: np.random.Generator) -> Mesh:
    """Double (ramshorn) hook, DIN 15402: two seats either side of a threaded shank."""
    k = sh.sections(rng, 12, 40)
    a = rng.uniform(15, 60)
    big = a * rng.uniform(1.1, 1.5)
    rs = a * rng.uniform(0.5, 0.7)
    rc = a + big / 2
    moves: list[Move] = [(0, a + rs - rc + big * 0.2), (rc, 90 + rng.uniform(20, 60)),
                         (0, a * rng.uniform(0.0, 0.3))]
    path = turtle((0, 0), 0, moves, rc * np.pi / k * 1.5)
    f = breaks(moves)
    scale = profile_along(path, [(0, big / 2), (f[1] + 0.1, big / 2 * 0.95), (f[2], big * 0.3),
                                 (1, big * 0.15)])
    sec, _, _ = _bend(rng, a, k)
    horn = section_sweep(path, sec, scale, scale_v=scale * 1.1, blend_to=round_section(k),
                         blend=profile_along(path, [(0, 0), (f[2], 0.3), (1, 0.7)]))
    other = horn.copy()
    other.apply_transform(np.diag([-1.0, 1, 1, 1]))
    if other.volume < 0:
        other.invert()
    length = rc + big + rs * rng.uniform(1.5, 4)
    shank = sh.cylinder(rs, length, k, 0)
    thread = threaded_rod(rs * 0.9, rs * rng.uniform(1.5, 3), rng, k, length)
    hub = sh.moved(sh.aligned(sh.cylinder(big / 2 * 1.05, big * 1.1, k, -big * 0.55),
                              [0, 1, 0]), [0, 0, big * 0.1])
    nut = hex_nut(rs * 3.2, rs * 1.6, rs * 0.85, k, length + rs * 0.5)
    return centred(sh.combine(fuse(horn, other, hub, shank, thread), nut), "ramshorn_hook")


def _rod_ends(path: np.ndarray, r: float, taper: float) -> np.ndarray:
    """Wire radius along a path whose ends are ground to ``taper`` of the radius."""
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    end = np.minimum(s, s[-1] - s) / (2.5 * r)
    return r * (taper + (1 - taper) * np.clip(end, 0, 1))


def j_hook(rng: np.random.Generator) -> Mesh:
    """J-bolt / J-hook: straight threaded leg, a round bend and a short return."""
    k = sh.sections(rng, 10, 32)
    r = rng.uniform(2, 10)
    rb = r * rng.uniform(2.2, 6)
    leg = rb * rng.uniform(1.5, 5)
    moves: list[Move] = [(0, leg), (rb, rng.uniform(170, 210)), (0, rb * rng.uniform(0.3, 1.5))]
    path = turtle((0, 0), -90, moves, rb * np.pi / k)
    body = section_sweep(path, round_section(k), _rod_ends(path, r, rng.uniform(0.6, 1.0)))
    length = leg * rng.uniform(0.3, 0.6)
    parts = [fuse(body, threaded_rod(r, length, rng, k, -r * 0.5))]
    for z in sorted(rng.uniform(0.2, 0.8, size=int(rng.integers(0, 3))) * length):
        parts.append(hex_nut(3.2 * r, 1.6 * r, 0.9 * r, k, z))
    return centred(sh.combine(*parts), "j_hook")


def s_hook(rng: np.random.Generator) -> Mesh:
    """S-hook from round wire: two opposed loops of different size, blunt or pointed ends; two
    in five are stubby, bent from wire nearly as thick as its loops are tight and curled far
    round (small printed or cast hangers)."""
    k = sh.sections(rng, 10, 32)
    r = rng.uniform(1.5, 8)
    stubby = rng.random() < 0.4
    r1, r2 = r * (rng.uniform(1.4, 2.6, size=2) if stubby else rng.uniform(2.5, 6, size=2))
    b1, b2 = rng.uniform(10, 110 if stubby else 60, size=2)
    moves: list[Move] = [(r1, -(180 + b1)), (0, r * rng.uniform(0, 6)), (r2, 180 + b2)]
    path = turtle((0, 0), 90 + b1, moves, min(r1, r2) * np.pi / k)
    body = section_sweep(path, round_section(k), _rod_ends(path, r, rng.uniform(0.4, 1.0)))
    return centred(body, "s_hook")


def wire_hook(rng: np.random.Generator) -> Mesh:
    """Open wire hook with a formed eye loop on top (a hook bent from one wire)."""
    k = sh.sections(rng, 10, 32)
    r = rng.uniform(1.5, 6)
    re, rb = r * rng.uniform(2.0, 4, size=1)[0], r * rng.uniform(2.5, 6)
    gamma = rng.uniform(15, 50)
    moves: list[Move] = [(re, 270 + gamma), (re * 0.8, -gamma), (0, rb * rng.uniform(1, 4)),
                         (rb, rng.uniform(160, 220)), (0, rb * rng.uniform(0.2, 1.2))]
    path = turtle((re * 0.3, 0), 0, moves, min(re, rb) * np.pi / k)
    body = section_sweep(path, round_section(k), _rod_ends(path, r, rng.uniform(0.5, 1.0)))
    return centred(body, "wire_hook")


def plate_hook(rng: np.random.Generator) -> Mesh:
    """Flat hook cut from plate (or laminated plates riveted together), with an eye hole."""
    from shapely.geometry import Point
    from shapely.ops import unary_union

    quad = max(3, sh.sections(rng, 12, 48) // 4)
    a = rng.uniform(10, 60)
    big = a * rng.uniform(1.0, 1.6)
    rc = a + big / 2
    moves: list[Move] = [(0, a * rng.uniform(0.8, 2)), (rc, 180 + rng.uniform(10, 45)),
                         (0, a * rng.uniform(0.0, 0.5))]
    path = turtle((-rc, 0), -90, moves, rc * 0.25)
    f = breaks(moves)
    w = profile_along(path, [(0, big * 0.4), (f[1], big * 0.45), ((f[1] + f[2]) / 2, big / 2),
                             (1, big * 0.2)])
    discs = [Point(p[0], p[2]).buffer(ri, quad_segs=quad) for p, ri in zip(path, w, strict=True)]
    outline = unary_union([discs[i].union(discs[i + 1]).convex_hull
                           for i in range(len(discs) - 1)])
    ro = big * rng.uniform(0.6, 0.9)
    eye_c = (-rc * rng.uniform(0.0, 0.8), ro * 0.8)
    eye = Point(*eye_c).buffer(ro, quad_segs=quad)
    neck = discs[0].union(eye).convex_hull
    shape = unary_union([outline, eye, neck]).difference(
        Point(*eye_c).buffer(ro * rng.uniform(0.4, 0.6), quad_segs=quad))
    thick = big * rng.uniform(0.3, 0.8)
    layers = int(rng.choice([1, 1, 2, 3, 4]))
    parts = []
    for i in range(layers):
        plate = trimesh.creation.extrude_polygon(shape, thick / layers)
        parts.append(sh.moved(plate, [0, 0, i * thick / layers]))
    if layers > 1:  # rivets through the stack
        for frac in (0.1, 0.45, 0.75):
            p = point_at(path, frac)
            parts.append(sh.cylinder(big * 0.08, thick + big * 0.1, 12, -big * 0.05))
            parts[-1].apply_translation([p[0], p[2], 0])
    mesh = sh.rotated(sh.combine(*parts), np.pi / 2, [1, 0, 0])
    return centred(mesh, "plate_hook")


# Hooks bent from flat strip (``hooks_flat``) are the household and workshop hooks of real files.
BUILDERS: dict[str, Builder] = {"Hook": one_of(
    [eye_hook, shank_hook, ramshorn_hook, j_hook, s_hook, wire_hook, plate_hook, wall_hook,
     over_door_hook, strip_s_hook],
    [0.13, 0.12, 0.07, 0.1, 0.1, 0.09, 0.1, 0.14, 0.08, 0.07])}
