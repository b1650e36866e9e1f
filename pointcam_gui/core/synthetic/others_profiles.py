"""2-D outlines for the outlier parts, extruded into solids without a boolean.

Plates, brackets, gears, extrusions and knobs are mostly one outline swept straight: drawing the
outline with its holes in shapely and extruding it once is far cheaper than cutting every hole
from a solid, and the result is watertight by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import numpy as np
import trimesh
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry import box as shp_box
from shapely.ops import unary_union

from pointcam_gui.core.synthetic import shapes as sh

Mesh = trimesh.Trimesh
Shape: TypeAlias = Polygon | MultiPolygon


def extrude(shape: Shape, height: float, z0: float = 0.0) -> Mesh:
    """Extrude an outline (holes kept) along +Z from ``z0``; the largest piece if it split."""
    if isinstance(shape, MultiPolygon):
        shape = max(shape.geoms, key=lambda g: g.area)
    mesh = trimesh.creation.extrude_polygon(shape, height)
    mesh.apply_translation([0, 0, z0])
    return mesh


def extrude_xz(shape: Shape, width: float) -> Mesh:
    """Extrude an (x, z) outline ``width`` along Y, centred on y = 0 (bracket side views)."""
    mesh = extrude(shape, width, -width / 2)
    return sh.rotated(mesh, np.pi / 2, [1, 0, 0])


def circle(r: float, center: Sequence[float] = (0.0, 0.0), k: int = 32) -> Polygon:
    return Point(*center).buffer(r, quad_segs=max(2, k // 4))


def rounded_rect(w: float, h: float, r: float, center: Sequence[float] = (0.0, 0.0)) -> Polygon:
    rect = shp_box(-w / 2, -h / 2, w / 2, h / 2)
    r = min(r, 0.49 * min(w, h))
    if r > 1e-6:
        rect = rect.buffer(-r).buffer(r, quad_segs=4)
    return affinity.translate(rect, *center)


def slot(p0: Sequence[float], p1: Sequence[float], width: float, k: int = 16) -> Polygon:
    """A stadium (slotted hole) from ``p0`` to ``p1`` of ``width``."""
    if np.allclose(p0, p1):
        return circle(width / 2, p0, k)
    return LineString([tuple(p0), tuple(p1)]).buffer(width / 2, quad_segs=max(2, k // 4))


def holes(points: np.ndarray, r: float, k: int = 16) -> Shape:
    return unary_union([circle(r, p, k) for p in np.atleast_2d(points)])


def bolt_circle(n: int, radius: float, phase: float = 0.0) -> np.ndarray:
    return sh.regular_polygon(n, radius, phase)


def grid(nx: int, ny: int, pitch_x: float, pitch_y: float) -> np.ndarray:
    x = (np.arange(nx) - (nx - 1) / 2) * pitch_x
    y = (np.arange(ny) - (ny - 1) / 2) * pitch_y
    return np.array([(a, b) for a in x for b in y])


def polar(radius: Callable[[np.ndarray], np.ndarray], k: int) -> Polygon:
    """A star-shaped outline r(theta) sampled at ``k`` angles (gears, knurls, lobes)."""
    t = np.linspace(0, 2 * np.pi, k, endpoint=False)
    r = radius(t)
    return Polygon(np.column_stack([r * np.cos(t), r * np.sin(t)]))


def keyed_bore(r: float, rng: np.random.Generator, k: int = 32, key: bool | None = None
               ) -> Shape:
    """A round bore, with a DIN 6885-like keyway or a D flat drawn at random."""
    bore = circle(r, k=k)
    style = rng.choice(["round", "key", "flat"], p=[0.35, 0.45, 0.2]) if key is None else (
        "key" if key else "round")
    if style == "key":
        w = max(0.8, r * rng.uniform(0.45, 0.6))
        return unary_union([bore, shp_box(-w / 2, 0, w / 2, r * rng.uniform(1.2, 1.35))])
    if style == "flat":
        return bore.difference(shp_box(-2 * r, r * rng.uniform(0.6, 0.8), 2 * r, 2 * r))
    return bore


def trapezoid_wave(n: int, low: float, high: float, tip: float = 0.3, root: float = 0.4
                   ) -> Callable[[np.ndarray], np.ndarray]:
    """r(theta) for ``n`` teeth: ``tip`` and ``root`` are the flat fractions of one pitch."""
    flank = max(1e-3, (1 - tip - root) / 2)

    def r(t: np.ndarray) -> np.ndarray:
        u = np.abs((t * n / (2 * np.pi)) % 1.0 - 0.5)  # 0 mid-tooth, 0.5 mid-gap
        f = np.clip((0.5 - root / 2 - u) / flank, 0.0, 1.0)
        return low + (high - low) * f
    return r
