"""The pose frame of a part, from the exact surface moments of its triangles.

The model sees a part in its principal-axis frame: largest spread first, each axis signed so the
surface's third moment along it is positive. Computed from the mesh's triangles (not from a random
sample of points; ``moments``) the frame is a property of the part: the same for every sampling,
and it turns with the part, so a rotated, moved or rescaled copy lands in the same model frame.

Some parts leave the frame ambiguous. Two near-equal principal moments (a washer, a nut, a pin, a
wheel) fix the symmetry axis but not the two axes across it; a near-zero third moment (any part
symmetric about a plane) fixes an axis but not its sign. No rule can pick one of these frames
without being arbitrary, so ``PoseFrames.rotations`` lists the frames the ambiguity allows (evenly
spaced turns about a symmetry axis, both signs of a sign-free axis) and the pipeline averages the
evidence over all of them; training draws one of them at random, so it sees what inference sees.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.moments import SurfaceMoments

# Relative gap (l_i - l_j) / l_i under which two principal moments count as equal, and normalized
# third moment |m3| / l^1.5 under which an axis has no preferred sign. Measured, not guessed:
# docs/benchmarks.md ("Stable analysis") lists how the choice moves the dev-set stability.
EQUAL_MOMENTS = 0.10
SIGNLESS_SKEW = 0.10
TURNS = 8  # frames spread over a full turn about a symmetry axis
PLACEMENT_BLOCK = 1 << 15  # vertices per block of the placement


@dataclass(frozen=True)
class PoseFrames:
    """Where the part is and the model frames its ambiguity allows (all proper rotations)."""

    centroid: np.ndarray  # (3,) area-weighted surface centroid, part coordinates
    moments: np.ndarray  # (3,) principal second moments per unit area, largest first
    skew: np.ndarray  # (3,) normalized third moments along the base frame's axes
    rotations: np.ndarray  # (F, 3, 3) columns = model axes in part coordinates
    degenerate: str  # "none", "axis" (two equal moments) or "sphere" (three)
    symmetry_axis: int = -1  # with "axis": the model axis the part is symmetric about

    @property
    def count(self) -> int:
        return len(self.rotations)


def pose_frames(moments: SurfaceMoments, *, equal_moments: float = EQUAL_MOMENTS,
                signless_skew: float = SIGNLESS_SKEW, turns: int = TURNS) -> PoseFrames:
    """The frames a part's moments allow; ``rotations[0]`` is the canonical one."""
    values, vectors = np.linalg.eigh(moments.second)
    values, axes = np.maximum(values[::-1], 0.0), vectors[:, ::-1].copy()
    # eigh's signs are arbitrary: fix them (largest component positive) so that a sign-free
    # axis still gets the same canonical frame in any unit or position
    biggest = np.abs(axes).argmax(axis=0)
    axes *= np.where(axes[biggest, np.arange(3)] < 0, -1.0, 1.0)
    floor = max(float(values[0]), 1e-300) * 1e-12
    skew = moments.third_along(axes) / np.maximum(values, floor) ** 1.5
    # sign each axis by its third moment, where it has one worth the name (not rounding noise)
    axes = axes * np.where((skew < 0) & (np.abs(skew) >= signless_skew), -1.0, 1.0)
    skew = np.abs(skew)
    centroid = moments.centroid
    equal = [(values[i] - values[i + 1]) <= equal_moments * values[i] for i in range(2)]
    if all(equal):
        return PoseFrames(centroid, values, skew,
                          _sphere_frames(_proper(axes, skew, signless_skew)), "sphere")
    if any(equal):
        unique = 2 if equal[0] else 0  # a washer's normal is its least spread, a pin's its most
        return PoseFrames(centroid, values, skew,
                          _axis_frames(axes, unique, skew[unique] >= signless_skew, turns), "axis",
                          unique)
    free = [i for i in range(3) if skew[i] < signless_skew]
    return PoseFrames(centroid, values, skew, _sign_frames(axes, skew, free, signless_skew),
                      "none")


def _proper(axes: np.ndarray, skew: np.ndarray, signless_skew: float) -> np.ndarray:
    """A mirror turned into a rotation by flipping the axis whose sign is least certain: the
    last sign-free one (a fixed choice, not the rounding noise of their skews), else the least
    skewed."""
    if np.linalg.det(axes) < 0:
        free = [i for i in (2, 1, 0) if skew[i] < signless_skew]
        axes = axes.copy()
        axes[:, free[0] if free else int(np.argmin(skew))] *= -1
    return axes


def _sign_frames(axes: np.ndarray, skew: np.ndarray, free: list[int],
                 signless_skew: float) -> np.ndarray:
    """Every sign choice of the sign-free axes that keeps a rotation (1, 2 or 4 frames)."""
    if not free:
        return _proper(axes, skew, signless_skew)[None]
    frames = []
    for signs in itertools.product((1.0, -1.0), repeat=len(free)):
        flip = np.ones(3)
        flip[free] = signs
        frame = axes * flip
        if np.linalg.det(frame) > 0:
            frames.append(frame)
    return np.stack(frames)


def _axis_frames(axes: np.ndarray, unique: int, signed: bool, turns: int) -> np.ndarray:
    """Turns about the symmetry axis; both ends of it when it has no preferred sign."""
    others = [i for i in range(3) if i != unique]
    frames = []
    for end in (1.0,) if signed else (1.0, -1.0):
        normal = end * axes[:, unique]
        first = axes[:, others[0]]
        for k in range(turns):
            angle = 2 * np.pi * k / turns
            a = np.cos(angle) * first + np.sin(angle) * np.cross(normal, first)
            frame = np.empty((3, 3))
            frame[:, unique], frame[:, others[0]] = normal, a
            # the remaining column makes a right-handed frame, whichever position it holds
            frame[:, others[1]] = 0.0
            frame[:, others[1]] = np.cross(frame[:, (others[1] + 1) % 3],
                                           frame[:, (others[1] + 2) % 3])
            frames.append(frame)
    return np.stack(frames)


def _sphere_frames(axes: np.ndarray) -> np.ndarray:
    """The 12 rotations of a tetrahedron applied to an arbitrary frame: a spread of poses."""
    group = [np.eye(3)]
    for i in range(3):  # half turns about each axis
        d = -np.ones(3)
        d[i] = 1.0
        group.append(np.diag(d))
    cyc = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    group = group + [cyc @ g for g in group] + [cyc.T @ g for g in group]
    return np.stack([axes @ g for g in group])


def random_frame(frames: PoseFrames, rng: np.random.Generator) -> np.ndarray:
    """One frame the ambiguity allows, drawn at random: a uniform turn about a symmetry axis."""
    pick = frames.rotations[rng.integers(frames.count)]
    if frames.degenerate == "axis":
        pick = pick @ _turn(frames.symmetry_axis, rng.uniform(0, 2 * np.pi / TURNS))
    return pick


def _turn(axis: int, angle: float) -> np.ndarray:
    """Rotation by ``angle`` about model axis ``axis`` (acting on model coordinates)."""
    c, s = np.cos(angle), np.sin(angle)
    i, j = (axis + 1) % 3, (axis + 2) % 3
    r = np.eye(3)
    r[i, i], r[i, j], r[j, i], r[j, j] = c, -s, s, c
    return r


def placement(vertices: np.ndarray, rotations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centres (F, 3) in part coordinates and radii (F,) that put the part, turned into each
    frame of ``rotations`` (F, 3, 3), centred on its bounding box inside the unit sphere."""
    rots = np.asarray(rotations, dtype=np.float64)
    f = len(rots)
    v = np.asarray(vertices, dtype=np.float64)
    # float32 products below stay precise relative to the part's size; the box's middle, not a
    # vertex, so that the order of the vertices (welded or not) cannot change the rounding
    origin = 0.5 * (v.min(axis=0) + v.max(axis=0)) if len(v) else np.zeros(3)
    # (3F, 3): every frame's axes as rows; coordinates below run as (3, n) rows, so that each
    # frame's minimum and maximum reduce along contiguous rows (2.4x faster than down columns)
    axes = np.ascontiguousarray(rots.transpose(0, 2, 1).reshape(3 * f, 3)).astype(np.float32)

    def extent(rows: slice) -> np.ndarray:  # every frame's coordinates in one product per block
        turned = axes @ (v[rows] - origin).T.astype(np.float32)
        return np.stack([turned.min(axis=1), turned.max(axis=1)])

    bounds = np.stack(blockwise(extent, len(v), PLACEMENT_BLOCK))
    mid = (0.5 * (bounds[:, 0].min(axis=0) + bounds[:, 1].max(axis=0))).reshape(f, 3)
    centres = np.einsum("fij,fj->fi", rots, mid)  # relative to origin

    def reach(rows: slice) -> np.ndarray:  # |v - c|^2 = |v|^2 - 2 v.c + |c|^2
        block = (v[rows] - origin).T
        d2 = (np.einsum("ij,ij->j", block, block) - 2 * (centres @ block)
              + (centres * centres).sum(axis=1)[:, None])
        return d2.max(axis=1)

    far = np.max(blockwise(reach, len(v), PLACEMENT_BLOCK), axis=0, initial=0.0)
    radius = np.sqrt(far)
    return centres + origin, np.where(radius > 0, radius, 1.0)
