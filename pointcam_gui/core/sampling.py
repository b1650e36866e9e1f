"""Mesh -> the (N, 3) points a model is fed: area-weighted surface samples, centred, unit sphere.

Normalization removes units and position: the bounding-box centre goes to the origin and the
farthest point to radius 1, so millimetre and metre parts look the same to the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import trimesh

NORMALIZATION = "bbox_center_unit_sphere"


@dataclass(frozen=True)
class Normalization:
    center: np.ndarray
    scale: float

    def apply(self, points: np.ndarray) -> np.ndarray:
        return ((points - self.center) / self.scale).astype(np.float32)

    def invert(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points, dtype=np.float64) * self.scale + self.center


class SurfaceSampler:
    """Area-weighted sampling of one mesh, with the per-face set-up done once.

    Training resamples every part each epoch, so the cumulative areas are kept.
    """

    def __init__(self, mesh: trimesh.Trimesh) -> None:
        self.triangles = np.asarray(mesh.triangles, dtype=np.float64)
        areas = np.asarray(mesh.area_faces, dtype=np.float64)
        total = float(areas.sum())
        if not np.isfinite(total) or total <= 0:
            raise ValueError("mesh has no surface area to sample")
        self.cumulative = np.cumsum(areas) / total

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points on the surface (mesh coordinates) and the face each one lies on."""
        faces = np.searchsorted(self.cumulative, rng.random(n) * self.cumulative[-1], side="right")
        faces = np.minimum(faces, len(self.cumulative) - 1)
        u, v = rng.random(n), rng.random(n)
        flip = u + v > 1.0
        u[flip], v[flip] = 1.0 - u[flip], 1.0 - v[flip]
        a, b, c = self.triangles[faces].transpose(1, 0, 2)
        points = a + u[:, None] * (b - a) + v[:, None] * (c - a)
        return points, faces


def sample_surface(mesh: trimesh.Trimesh, n: int,
                   seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return SurfaceSampler(mesh).sample(n, rng)


def normalize(points: np.ndarray) -> tuple[np.ndarray, Normalization]:
    """Centre on the bounding-box centre and scale into the unit sphere."""
    pts = np.asarray(points, dtype=np.float64)
    center = 0.5 * (pts.min(axis=0) + pts.max(axis=0))
    radius = float(np.linalg.norm(pts - center, axis=1).max())
    norm = Normalization(center=center, scale=radius if radius > 0 else 1.0)
    return norm.apply(pts), norm


def prepare(mesh: trimesh.Trimesh, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Exactly what the model is fed (normalized float32) and the same points in mesh space."""
    world, _ = sample_surface(mesh, n, seed)
    model_points, _ = normalize(world)
    return model_points, world
