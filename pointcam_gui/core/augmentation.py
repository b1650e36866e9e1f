"""What the model sees while training: fresh surface samples, turned, stretched and jittered.

Every set ends in ``sampling.normalize`` with the run's method, so training inputs are exactly
what inference feeds the model, only from parts in more poses and proportions.
"""

from __future__ import annotations

import numpy as np

from pointcam_gui.core.sampling import NORMALIZATION, SurfaceSampler, normalize


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
    """(M, n, 3) float32 model inputs: fresh samples of every part in a random orientation.

    ``scale_range`` stretches each axis of the part by a log-uniform factor; ``jitter`` is the
    std of per-point noise in unit-sphere units (clipped at 3 std).
    """
    rots = random_rotations(len(samplers), rng)
    out = np.empty((len(samplers), n, 3), np.float32)
    for i, sampler in enumerate(samplers):
        pts, _ = normalize(sampler.sample(n, rng)[0], "bbox_center_unit_sphere")  # unit size
        if scale_range is not None:
            lo, hi = scale_range
            pts = pts * np.exp(rng.uniform(np.log(lo), np.log(hi), 3))
        pts = pts @ rots[i].T
        if jitter > 0:
            pts = pts + np.clip(rng.normal(0, jitter, pts.shape), -3 * jitter, 3 * jitter)
        out[i] = normalize(pts, method)[0]  # exactly what inference applies
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
