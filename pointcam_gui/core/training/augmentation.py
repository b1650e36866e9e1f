"""What the model sees while training: fresh surface samples, stretched, posed and jittered.

Every set is posed the way inference poses a part: in one of the frames its exact surface moments
allow (``pose``), drawn at random where symmetry leaves a choice, so training sees exactly the
frames the stable analysis averages over; only the part's proportions vary more.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

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
        out[i] = _augmented(sampler, n, rng, method, scale_range, jitter)
    return out


def _augmented(sampler: SurfaceSampler, n: int, rng: np.random.Generator, method: str,
               scale_range: tuple[float, float] | None, jitter: float) -> np.ndarray:
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
    return pts


@dataclass(frozen=True)
class Augmentation:
    """How one epoch's point sets are drawn: points per set, pose rule, stretch and jitter."""
    points: int
    method: str = NORMALIZATION
    scale_range: tuple[float, float] | None = None
    jitter: float = 0.0


def _epoch_sets(samplers: Sequence[SurfaceSampler], first: int, aug: Augmentation, seed: int,
                epoch: int) -> np.ndarray:
    """The sets of parts ``first``, ``first + 1``, ... for ``epoch``: each part draws from its own
    generator, seeded by (seed, epoch, part), so the sets do not depend on who samples them."""
    out = np.empty((len(samplers), aug.points, 3), np.float32)
    for k, sampler in enumerate(samplers):
        rng = np.random.default_rng((seed, epoch, first + k))
        out[k] = _augmented(sampler, aug.points, rng, aug.method, aug.scale_range, aug.jitter)
    return out


_SHARD: tuple[Sequence[SurfaceSampler], int] = ((), 0)


def _hold_shard(samplers: Sequence[SurfaceSampler], first: int) -> None:
    global _SHARD
    _SHARD = (samplers, first)


def _sample_shard(aug: Augmentation, seed: int, epoch: int) -> np.ndarray:
    return _epoch_sets(_SHARD[0], _SHARD[1], aug, seed, epoch)


class EpochSets:
    """Fresh augmented point sets of a fixed list of parts, one epoch at a time.

    With ``workers`` > 0 the parts are dealt out once to that many processes, each keeping its
    share, and the next epoch's sets are drawn there while the current epoch trains (``ahead``);
    with 0 they are drawn here when asked for. Either way an epoch's sets are the same: every
    part draws from a generator seeded by (seed, epoch, part index).
    """

    def __init__(self, samplers: Sequence[SurfaceSampler], aug: Augmentation, seed: int,
                 workers: int = 0) -> None:
        if aug.method not in NORMALIZATIONS:
            raise ValueError(f"unknown normalization {aug.method!r}")
        self._samplers, self._aug, self._seed = list(samplers), aug, seed
        self._pending: dict[int, list[Future[np.ndarray]]] = {}
        bounds = np.linspace(0, len(self._samplers), min(workers, len(self._samplers)) + 1)
        self._shards = [(int(a), int(b)) for a, b in itertools.pairwise(bounds.round())]
        # spawn, as the generator's workers: none inherits the parent's torch threads
        self._pools = [ProcessPoolExecutor(1, get_context("spawn"), _hold_shard,
                                           (self._samplers[a:b], a)) for a, b in self._shards]

    def __len__(self) -> int:
        return len(self._samplers)

    def ahead(self, epoch: int) -> None:
        """Start drawing ``epoch``'s sets in the workers (nothing without workers)."""
        if self._pools and epoch not in self._pending:
            self._pending[epoch] = [pool.submit(_sample_shard, self._aug, self._seed, epoch)
                                    for pool in self._pools]

    def get(self, epoch: int) -> np.ndarray:
        """(M, points, 3) float32: ``epoch``'s sets, in the order the parts were given."""
        if not self._pools:
            return _epoch_sets(self._samplers, 0, self._aug, self._seed, epoch)
        self.ahead(epoch)
        return np.concatenate([f.result() for f in self._pending.pop(epoch)])

    def close(self) -> None:
        for pool in self._pools:
            pool.shutdown(wait=False, cancel_futures=True)
        self._pools, self._pending = [], {}

    def __enter__(self) -> EpochSets:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
