"""Planar centre-lines and sections swept along them, for parts bent or forged from bar.

A turtle draws a smooth centre-line in the XZ plane from straight moves and arcs; a sweep
carries a section along it whose size and shape may change on the way (a crane hook is round
at the shank and a thick trapezoid at the bend). Hooks and U-bolts are made with these.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import trimesh
from numpy.typing import ArrayLike

from pointcam_gui.core.synthetic import shapes as sh

Mesh = trimesh.Trimesh
Move = tuple[float, ...]  # ("L", length) is written (0, length); an arc is (radius, degrees)


def turtle(start: Sequence[float], heading_deg: float, moves: Sequence[Move],
           step: float) -> np.ndarray:
    """Centreline in the XZ plane: (0, L) goes straight, (R, deg) turns left (deg > 0) or right."""
    x, z = float(start[0]), float(start[1])
    h = np.radians(heading_deg)
    pts = [(x, z)]
    for radius, amount in moves:
        if radius == 0:
            n = max(1, int(np.ceil(amount / step)))
            for t in np.linspace(amount / n, amount, n):
                pts.append((x + t * np.cos(h), z + t * np.sin(h)))
            x, z = pts[-1]
            continue
        turn = np.radians(amount)
        side = np.sign(turn)
        cx, cz = x - side * radius * np.sin(h), z + side * radius * np.cos(h)
        n = max(2, int(np.ceil(abs(turn) * radius / step)))
        a0 = h - side * np.pi / 2
        for a in a0 + np.linspace(turn / n, turn, n):
            pts.append((cx + radius * np.cos(a), cz + radius * np.sin(a)))
        x, z = pts[-1]
        h += turn
    xz = np.asarray(pts)
    return np.column_stack([xz[:, 0], np.zeros(len(xz)), xz[:, 1]])


def round_section(k: int) -> np.ndarray:
    a = np.linspace(0, 2 * np.pi, k, endpoint=False)
    return np.column_stack([np.cos(a), np.sin(a)])


def trapezoid_section(k: int, inner: float, outer: float, rounding: float = 0.25) -> np.ndarray:
    """Rounded trapezoid of radial height 2 (u in [-1, 1]); wide side ``inner`` at u = -1.

    Resampled at the same k polar angles as ``round_section`` so that the two can be blended.
    """
    from shapely.geometry import LineString, Polygon

    poly = Polygon([(-1, -inner), (1, -outer), (1, outer), (-1, inner)])
    poly = poly.buffer(-rounding).buffer(rounding, quad_segs=4)
    out = []
    for a in np.linspace(0, 2 * np.pi, k, endpoint=False):
        ray = LineString([(0, 0), (4 * np.cos(a), 4 * np.sin(a))])
        hit = ray.intersection(poly.exterior)
        d = min(np.hypot(*p) for p in getattr(hit, "geoms", [hit]) for p in p.coords)
        out.append((d * np.cos(a), d * np.sin(a)))
    return np.asarray(out)


def section_sweep(path: ArrayLike, section: ArrayLike, scale: ArrayLike = 1.0,
                  scale_v: ArrayLike | None = None, blend_to: ArrayLike | None = None,
                  blend: ArrayLike = 0.0) -> Mesh:
    """Sweep a (k, 2) section along a planar XZ path; u lies in the plane, v along +Y.

    ``scale`` (and ``scale_v`` for the out-of-plane width) may vary per path point, and the
    section may morph into ``blend_to`` by weight ``blend`` (0..1 per point). Capped ends.
    """
    p = np.asarray(path, float)
    keep = np.r_[True, np.linalg.norm(np.diff(p, axis=0), axis=1) > 1e-9]
    p = p[keep]
    su = np.broadcast_to(np.asarray(scale, float), (len(keep),))[keep]
    sv = su if scale_v is None else np.broadcast_to(np.asarray(scale_v, float), (len(keep),))[keep]
    w = np.broadcast_to(np.asarray(blend, float), (len(keep),))[keep]
    sec = np.asarray(section, float)
    other = sec if blend_to is None else np.asarray(blend_to, float)
    t = np.gradient(p, axis=0)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    v = np.array([0.0, 1.0, 0.0])
    u = np.cross(v, t)
    shape = (1 - w)[:, None, None] * sec[None] + w[:, None, None] * other[None]
    rings = (p[:, None, :] + (shape[:, :, :1] * su[:, None, None]) * u[:, None, :]
             + (shape[:, :, 1:] * sv[:, None, None]) * v[None, None, :])
    return sh.loft(rings, p[0], p[-1], process=True)


def profile_along(path: np.ndarray, keys: Sequence[tuple[float, float]]) -> np.ndarray:
    """Interpolate a value at fractions of the path length: keys are (fraction, value)."""
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    f, val = zip(*keys, strict=True)
    return np.interp(s / max(s[-1], 1e-9), f, val)


def point_at(path: np.ndarray, fraction: float) -> np.ndarray:
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    return np.array([np.interp(fraction * s[-1], s, path[:, i]) for i in range(3)])


def breaks(moves: Sequence[Move]) -> np.ndarray:
    """Path-length fractions at which each move ends (0 first)."""
    lengths = [m[1] if m[0] == 0 else abs(np.radians(m[1])) * m[0] for m in moves]
    c = np.r_[0.0, np.cumsum(lengths)]
    return c / c[-1]
