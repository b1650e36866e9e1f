"""Mesh -> the (N, 3) points a model is fed: area-weighted surface samples, posed, unit sphere.

Normalization removes units and position: the bounding-box centre goes to the origin and the
farthest vertex to radius 1, so millimetre and metre parts look the same to the model. The default
also removes pose: CAD parts arrive in any orientation, so the points are turned into the part's
principal-axis frame (``pose``: exact surface moments of the mesh, largest spread first, each axis
signed by its third moment). Where the part's symmetry leaves that frame ambiguous, ``part_frames``
returns every frame it allows and the pipeline averages over them. A weights file records which
normalization it was trained with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.moments import SurfaceMoments
from pointcam_gui.core.pose import placement, pose_frames
from pointcam_gui.core.triangles import triangle_areas


class Surface(Protocol):
    """What sampling reads of a part: a ``trimesh.Trimesh``, or ``mesh_io.Triangles``."""

    @property
    def vertices(self) -> Any: ...

    @property
    def faces(self) -> Any: ...


NORMALIZATIONS: tuple[str, ...] = ("pca_unit_sphere", "bbox_center_unit_sphere")
NORMALIZATION = NORMALIZATIONS[0]


@dataclass(frozen=True)
class Normalization:
    center: np.ndarray  # (3,) in the part's coordinates
    scale: float
    rotation: np.ndarray  # (3, 3), columns = the model frame's axes in part coordinates

    def apply(self, points: np.ndarray) -> np.ndarray:
        return ((np.asarray(points, np.float64) - self.center) @ self.rotation
                / self.scale).astype(np.float32)

    def invert(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points, np.float64) * self.scale @ self.rotation.T + self.center


class SurfaceSampler:
    """Area-weighted sampling of one mesh, with the per-face set-up done once.

    Training resamples every part each epoch, so the cumulative areas are kept.
    """

    def __init__(self, mesh: Surface) -> None:
        vertices = np.asarray(mesh.vertices, dtype=np.float64)
        faces = np.asarray(mesh.faces, dtype=np.int64)
        self.triangles = np.empty((len(faces), 3, 3))

        def gather(rows: slice) -> None:
            np.take(vertices, faces[rows], axis=0, out=self.triangles[rows])

        blockwise(gather, len(faces))
        # here rather than trimesh's area_faces: no cache hashing, and the moments reuse them
        self.areas = areas = triangle_areas(self.triangles)
        total = float(areas.sum())
        if not np.isfinite(total) or total <= 0:
            raise ValueError("mesh has no surface area to sample")
        self.cumulative = np.cumsum(areas) / total
        self.corners = vertices  # what bounds the part
        self._moments: SurfaceMoments | None = None

    @property
    def moments(self) -> SurfaceMoments:
        """The surface's exact moments (computed once)."""
        if self._moments is None:
            self._moments = SurfaceMoments.of(self.triangles, self.areas)
        return self._moments

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


def sample_surface(mesh: Surface, n: int,
                   seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return SurfaceSampler(mesh).sample(n, rng)


def part_frames(sampler: SurfaceSampler, method: str = NORMALIZATION) -> list[Normalization]:
    """Every model frame the part's pose allows (one where the pose is definite), placed so the
    part is centred on its bounding box inside the unit sphere."""
    if method not in NORMALIZATIONS:
        raise ValueError(f"unknown normalization {method!r}")
    rotations = (pose_frames(sampler.moments).rotations if method == "pca_unit_sphere"
                 else np.eye(3)[None])
    return [Normalization(c, r, rotation=rot)
            for c, r, rot in zip(*placement(sampler.corners, rotations), rotations, strict=True)]


def prepare(mesh: Surface, n: int, seed: int = 0,
            method: str = NORMALIZATION) -> tuple[np.ndarray, np.ndarray]:
    """One sampling as the model is fed it (float32, the part's canonical frame) and the same
    points in mesh space."""
    sampler = SurfaceSampler(mesh)
    world, _ = sampler.sample(n, np.random.default_rng(seed))
    return part_frames(sampler, method)[0].apply(world), world


# The stable analysis: about VIEWS forward passes (samplings x allowed frames), and at least
# MIN_SAMPLINGS samplings so that the map's points cover the part however many frames it has.
# docs/benchmarks.md ("Stable analysis") has the measurements behind these numbers.
VIEWS = 32
MIN_SAMPLINGS = 2
MAX_SAMPLINGS = 16


def samplings_for(frames: int) -> int:
    """How many samplings the stable analysis draws for a part with ``frames`` allowed frames."""
    return int(np.clip(VIEWS // max(frames, 1), MIN_SAMPLINGS, MAX_SAMPLINGS))


def stable_views(mesh: Surface, num_points: int, normalization: str, seed: int,
                 max_views: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray, list[Normalization]]:
    """The stable analysis's input: samplings (S, N, 3) in part space, views (S*F, N, 3) in model
    space, sampling-major, and the F frames the part's pose allows. ``max_views`` (a costly
    method's) lowers S, down to one sampling in every frame. Needs no torch: batch workers draw
    views, the process holding the model runs them."""
    sampler = SurfaceSampler(mesh)
    frames = part_frames(sampler, normalization)
    rng = np.random.default_rng(seed)
    count = samplings_for(len(frames))
    if max_views is not None:
        count = max(1, min(count, max_views // len(frames)))
    world = np.stack([sampler.sample(num_points, rng)[0] for _ in range(count)])
    return world, np.stack([f.apply(w) for w in world for f in frames]), frames
