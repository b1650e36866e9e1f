"""What the model sees while training: fresh surface samples, stretched, posed and jittered.

Every set is posed the way inference poses a part: in one of the frames its exact surface moments
allow (``pose``), drawn at random where symmetry leaves a choice, so training sees exactly the
frames the stable analysis averages over; only the part's proportions vary more.
"""

from __future__ import annotations

import numpy as np

from pointcam_gui.core.pose import placement, pose_frames, random_frame
from pointcam_gui.core.sampling import NORMALIZATION, NORMALIZATIONS, Normalization, SurfaceSampler


def random_rotations(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 3, 3) rotations uniform in SO(3), from normalized Gaussian quaternions."""
    q = rng.normal(size=(n, 4))
    w, x, y, z = (q / np.linalg.norm(q, axis=1, keepdims=True)).T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
    ], 1)


def point_sets(samplers: list[SurfaceSampler], n: int, rng: np.random.Generator,
               method: str = NORMALIZATION, scale_range: tuple[float, float] | None = None,
               jitter: float = 0.0) -> np.ndarray:
    """(M, n, 3) float32 model inputs: fresh samples of every part, each in a random allowed frame.

    ``scale_range`` stretches each axis of the part by a log-uniform factor (the frame is then
    that of the stretched part); ``jitter`` is the std of per-point noise in unit-sphere units
    (clipped at 3 std). Without a pose (``bbox_center_unit_sphere``) the part is turned at random.
    """
    if method not in NORMALIZATIONS:
        raise ValueError(f"unknown normalization {method!r}")
    out = np.empty((len(samplers), n, 3), np.float32)
    for i, sampler in enumerate(samplers):
        stretch = np.eye(3)
        if scale_range is not None:
            lo, hi = scale_range
            stretch = np.diag(np.exp(rng.uniform(np.log(lo), np.log(hi), 3)))
        if method == "pca_unit_sphere":
            rotation = random_frame(pose_frames(sampler.moments.stretched(stretch)), rng)
        else:
            rotation = random_rotations(1, rng)[0]
        centre, radius = placement(sampler.corners @ stretch.T, rotation[None])
        pts = sampler.sample(n, rng)[0] @ stretch.T
        pts = Normalization(centre[0], float(radius[0]), rotation).apply(pts)
        if jitter > 0:
            pts = pts + np.clip(rng.normal(0, jitter, pts.shape), -3 * jitter, 3 * jitter)
        out[i] = pts
    return out


def stratified_split(labels: np.ndarray, fraction: float,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Train and validation indices with ``fraction`` of every class (>= 1 where it has >= 2)."""
    train, val = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        k = min(len(idx) - 1, max(1, round(fraction * len(idx)))) if fraction > 0 else 0
        val += idx[:k].tolist()
        train += idx[k:].tolist()
    return np.sort(np.array(train, int)), np.sort(np.array(val, int))
