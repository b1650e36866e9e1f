"""Outlier flat stock: angle, gusseted, Z and U brackets; mounting, motor and cut-out plates.

Brackets are drawn as a side outline (machined with a fillet, or bent sheet with round bends)
extruded across their width, their legs then drilled and slotted; plates are one outline with
all their holes extruded at once. None is round, so none reads as a washer.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely import affinity
from shapely.geometry import LineString, Polygon
from shapely.geometry import box as shp_box
from shapely.ops import unary_union

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.others_profiles import (
    bolt_circle,
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

BRACKET_KINDS = {"angle": 1.2, "slotted_angle": 1.0, "gusseted": 1.2, "z_bracket": 0.6,
                 "u_bracket": 0.7}
PLATE_KINDS = {"mounting_plate": 1.3, "motor_plate": 1.0, "cutout_plate": 1.0,
               "triangle_plate": 0.5, "slotted_bar": 0.7}


def _leg_holes(length: float, width: float, t: float, rng: Rng, slotted: bool) -> Polygon:
    """Holes or slots across a leg, in (along-leg, across-width) coordinates from 0."""
    d = max(1.5, min(width, length) * rng.uniform(0.12, 0.3))
    n = int(np.clip(width / (3.2 * d), 1, 4))
    u = length * rng.uniform(0.5, 0.7)
    ys = (np.arange(n) - (n - 1) / 2) * (width / n)
    if slotted:
        reach = min(length - u - d * 0.8, u - t - d * 0.8, length * 0.25)
        if reach > d * 0.3:
            return unary_union([slot((u - reach, y), (u + reach, y), d) for y in ys])
    return holes(np.column_stack([np.full(n, u), ys]), d / 2, 20)


def _label(kind: str) -> str:
    return kind if kind.endswith("_bracket") else f"{kind}_bracket"


def _drill_vertical(shape: Polygon, t_lo: float, t_hi: float) -> Mesh:
    return extrude(shape, t_hi - t_lo + 2, t_lo - 1)


def _drill_along_x(shape: Polygon, x_lo: float, x_hi: float) -> Mesh:
    """Cutter for a shape drawn in (z, y), going through x_lo..x_hi."""
    cutter = extrude(shape, x_hi - x_lo + 2, -(x_hi + 1))
    return sh.rotated(cutter, -np.pi / 2, [0, 1, 0])


def bracket(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, BRACKET_KINDS)
    a = loguniform(rng, 20, 200)
    b = a * rng.uniform(0.6, 1.6)
    w = a * rng.uniform(0.3, 1.4)
    t = max(1.0, min(a, b) * loguniform(rng, 0.04, 0.15))
    sheet = kind in ("slotted_angle", "z_bracket", "u_bracket") or rng.random() < 0.3
    cuts: list[Mesh] = []
    extra: list[Mesh] = []
    if kind in ("z_bracket", "u_bracket"):
        c = a * rng.uniform(0.3, 0.7)
        if kind == "z_bracket":
            path = [(-c, t / 2), (t / 2, t / 2), (t / 2, b - t / 2), (a, b - t / 2)]
        else:
            path = [(-c, b - t / 2), (-c, t / 2), (a, t / 2), (a, b - t / 2)]
        outline = LineString(path).buffer(t / 2, cap_style="flat", join_style="round",
                                          quad_segs=4)
        body = extrude_xz(outline, w)
        if kind == "u_bracket":
            if rng.random() < 0.5:
                base = circle(min(w, a + c) * rng.uniform(0.1, 0.3), ((a - c) / 2, 0), 32)
            else:
                base = affinity.translate(_leg_holes(a + c, w, t, rng, rng.random() < 0.5), -c)
            cuts.append(_drill_vertical(base, 0, t))
        else:
            top = _leg_holes(a - t, w, t, rng, rng.random() < 0.5)
            cuts.append(_drill_vertical(affinity.translate(top, t), b - t, b))
            low = _leg_holes(c, w, 0.0, rng, False)
            cuts.append(_drill_vertical(affinity.translate(low, -c), 0, t))
        if kind == "u_bracket" and rng.random() < 0.7:  # cross holes through the flanges
            r = min(b, w) * rng.uniform(0.12, 0.25)
            z = b * rng.uniform(0.55, 0.75)
            cuts.append(sh.cylinder_between([-c - t - 1, 0, z], [a + t + 1, 0, z], r, 24))
        return centred(sh.difference(body, *cuts), _label(kind))
    if sheet:
        outline = LineString([(a, t / 2), (t / 2, t / 2), (t / 2, b)]).buffer(
            t / 2, cap_style="flat", join_style="round", quad_segs=4)
        r = t * rng.uniform(0.5, 1.5)  # the inner bend radius
        outline = outline.buffer(r, quad_segs=4).buffer(-r, quad_segs=4).intersection(
            shp_box(0, 0, a, b))
    else:
        outline = unary_union([shp_box(0, 0, a, t), shp_box(0, 0, t, b)])
        r = t * rng.uniform(0.3, 1.2)
        outline = outline.buffer(r, quad_segs=4).buffer(-r, quad_segs=4)
    body = extrude_xz(outline, w)
    slotted = kind == "slotted_angle"
    if kind == "gusseted":
        g = min(a, b) * rng.uniform(0.5, 0.85)
        tg = max(t * rng.uniform(0.7, 1.2), 0.8)
        tri = Polygon([(t - 0.01, t - 0.01), (g, t - 0.01), (t - 0.01, g)])
        n = 1 if w < 6 * tg or rng.random() < 0.4 else 2
        ys = [0.0] if n == 1 else [-w / 2 + tg / 2, w / 2 - tg / 2]
        if n == 2 and rng.random() < 0.5:
            ys = [-w / 4, w / 4]
        extra += [sh.moved(extrude_xz(tri, tg), [0, y, 0]) for y in ys]
        slotted = rng.random() < 0.3
        if n == 1:  # holes beside a centre gusset
            slotted = False
    foot = _leg_holes(a, w, t, rng, slotted)
    upright = _leg_holes(b, w, t, rng, slotted or rng.random() < 0.3)
    if kind == "gusseted" and len(extra) == 1:
        foot = foot.difference(shp_box(-1e3, -0.6 * t - 1, 1e3, 0.6 * t + 1)).buffer(0)
        upright = upright.difference(shp_box(-1e3, -0.6 * t - 1, 1e3, 0.6 * t + 1)).buffer(0)
    if not foot.is_empty:
        cuts.append(_drill_vertical(foot, 0, t))
    if not upright.is_empty:
        cuts.append(_drill_along_x(upright, 0, t))
    return centred(sh.difference(sh.union(body, *extra), *cuts), _label(kind))


def plate(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, PLATE_KINDS)
    lx = loguniform(rng, 30, 300)
    ly = lx * rng.uniform(0.4, 1.0)
    t = max(1.0, min(lx, ly) * loguniform(rng, 0.02, 0.12))
    r = min(lx, ly) * float(rng.choice([0.0, rng.uniform(0.02, 0.15)]))
    k = sh.sections(rng, 16, 48)
    d = max(2.0, min(lx, ly) * rng.uniform(0.05, 0.12))
    inset = d * rng.uniform(1.0, 1.8)
    corners = grid(2, 2, lx - 2 * inset, ly - 2 * inset)
    if kind == "slotted_bar":
        ly = max(lx * rng.uniform(0.08, 0.22), 8.0)
        t = max(1.5, ly * rng.uniform(0.12, 0.4))
        outline = rounded_rect(lx, ly, ly / 2 * float(rng.choice([0.0, 1.0])))
        n = int(np.clip(lx / (ly * rng.uniform(1.2, 2.5)), 2, 12))
        pitch = (lx - ly) / max(n - 1, 1)
        dd = ly * rng.uniform(0.3, 0.55)
        xs = (np.arange(n) - (n - 1) / 2) * pitch
        if rng.random() < 0.4:
            cut = unary_union([slot((x - pitch * 0.2, 0), (x + pitch * 0.2, 0), dd) for x in xs])
        else:
            cut = holes(np.column_stack([xs, np.zeros(n)]), dd / 2, k)
        return centred(extrude(outline.difference(cut), t), kind)
    if kind == "triangle_plate":
        outline = Polygon([(0, 0), (lx, 0), (0, ly)]).buffer(-r, quad_segs=4).buffer(r,
                                                                                        quad_segs=4)
        tri = Polygon([(0, 0), (lx, 0), (0, ly)])
        inner = tri.buffer(-inset * 1.2, join_style="mitre")  # corners clear of both edges
        if inner.is_empty or not isinstance(inner, Polygon):
            inner = tri.buffer(-d, join_style="mitre")
        pts = np.asarray(inner.exterior.coords)[:-1]
        outline = outline.difference(holes(pts, d / 2, k))
        if rng.random() < 0.5:
            outline = outline.difference(circle(min(lx, ly) * 0.12, (lx / 3.3, ly / 3.3), k))
        return centred(extrude(outline, t), kind)
    outline = rounded_rect(lx, ly, r)
    cut = [holes(corners, d / 2, k)]
    if kind == "motor_plate":
        rc = min(lx, ly) * rng.uniform(0.12, 0.25)
        cut.append(circle(rc, k=max(k, 32)))
        pcd = rc * rng.uniform(1.4, 1.8)
        for p in bolt_circle(4, pcd, np.pi / 4):
            dirn = p / np.linalg.norm(p)
            cut.append(slot(p - dirn * d * 0.6, p + dirn * d * 0.6, d * 0.7)
                       if rng.random() < 0.5 else circle(d * 0.35, p, k))
    elif kind == "cutout_plate":
        n = int(rng.integers(1, 3))
        wx = (lx - 2 * inset - 2 * d) / n
        for i in range(n):
            cx = -lx / 2 + inset + d + wx * (i + 0.5)
            cut.append(rounded_rect(wx * rng.uniform(0.55, 0.8), ly * rng.uniform(0.3, 0.55),
                                    d * rng.uniform(0.2, 1.0), (cx, 0)))
    elif rng.random() < 0.7:  # a pattern of tapped holes in the field
        nx, ny = int(rng.integers(2, 6)), int(rng.integers(1, 4))
        pts = grid(nx, ny, (lx - 4 * inset) / max(nx - 1, 1), (ly - 4 * inset) / max(ny, 2))
        cut.append(holes(pts, d * rng.uniform(0.2, 0.35), k))
    body = extrude(outline.difference(unary_union(cut)), t)
    if kind == "mounting_plate" and rng.random() < 0.4:  # counterbored corner holes
        cb = [sh.cylinder(d * 0.85, t, k, t * rng.uniform(0.4, 0.6)) for _ in corners]
        body = sh.difference(body, *[sh.moved(c, [p[0], p[1], 0]) for c, p in
                                     zip(cb, corners, strict=True)])
        kind = "counterbored_plate"
    return centred(body, kind)
