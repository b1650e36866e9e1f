"""How unlike the parts the model knows a part is: a score for every analysis, and a verdict.

A classifier always names one of its classes; the novelty score says when that name is only the
least bad guess. Every method scores the views of one analysis and averages them (higher means
less familiar); the weights file carries the method, its statistics and the threshold above which
a part is called unfamiliar, with how they were chosen (``pointcam calibrate``).

Methods, all post hoc on a trained PointNet (``docs/benchmarks.md`` compares them on real parts):
- ``msp``: 1 - the top probability (Hendrycks & Gimpel, 2017), the baseline;
- ``energy``: -T logsumexp(logits / T) (Liu et al., 2020);
- ``mahalanobis``: the smallest class-conditional Mahalanobis distance of the pooled feature,
  with one shared covariance (Lee et al., 2018);
- ``knn``: 1 - the cosine similarity of the normalised pooled feature to its k-th nearest training
  feature (Sun et al., 2022).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

METHODS: tuple[str, ...] = ("msp", "energy", "mahalanobis", "knn")


@dataclass(frozen=True)
class NoveltyModel:
    """A fitted novelty method and its threshold; ``score`` takes one analysis's views."""

    method: str
    threshold: float
    temperature: float = 1.0
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    k: int = 1
    info: dict[str, Any] = field(default_factory=dict)  # how it was chosen, for the model card

    def score(self, logits: np.ndarray, features: np.ndarray) -> float:
        """Novelty of a part seen as V views: logits (V, C), pooled features (V, K)."""
        return float(np.mean(view_scores(self.method, logits, features, self.arrays,
                                         self.temperature, self.k)))

    def unfamiliar(self, novelty: float) -> bool:
        return bool(novelty > self.threshold)

    def to_metadata(self) -> dict[str, Any]:
        return {"method": self.method, "threshold": self.threshold, "k": self.k, **self.info}

    @classmethod
    def from_metadata(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray],
                      temperature: float) -> NoveltyModel | None:
        """None when the weights carry no (usable) novelty method: older or custom weights."""
        method = meta.get("method")
        if method not in METHODS or "threshold" not in meta:
            return None
        needed = {"mahalanobis": ("means", "precision"), "knn": ("bank",)}.get(str(method), ())
        if any(name not in arrays for name in needed):
            return None
        info = {k: v for k, v in meta.items() if k not in ("method", "threshold", "k")}
        return cls(str(method), float(meta["threshold"]), temperature, arrays,
                   int(meta.get("k", 1)), info)


def view_scores(method: str, logits: np.ndarray, features: np.ndarray,
                arrays: dict[str, np.ndarray], temperature: float = 1.0,
                k: int = 1) -> np.ndarray:
    """(V,) novelty of each view (higher = less familiar)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    top = z.max(axis=1, keepdims=True)
    if method == "msp":
        p = np.exp(z - top)
        return np.asarray(1.0 - (p / p.sum(axis=1, keepdims=True)).max(axis=1))
    if method == "energy":
        return np.asarray(-temperature * (top[:, 0] + np.log(np.exp(z - top).sum(axis=1))))
    f = np.asarray(features, dtype=np.float64)
    if method == "mahalanobis":
        diff = f[:, None, :] - arrays["means"][None].astype(np.float64)  # (V, C, K)
        d2 = np.einsum("vck,kl,vcl->vc", diff, arrays["precision"].astype(np.float64), diff)
        return np.asarray(d2.min(axis=1))
    if method == "knn":
        unit = f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
        similarity = unit @ arrays["bank"].astype(np.float64).T  # (V, M)
        kth = np.sort(similarity, axis=1)[:, -min(k, similarity.shape[1])]
        return np.asarray(1.0 - kth)
    raise ValueError(f"unknown novelty method {method!r}; choose one of {', '.join(METHODS)}")


def fit_arrays(features: np.ndarray, labels: np.ndarray, num_classes: int, *,
               bank_size: int = 2048, seed: int = 0) -> dict[str, np.ndarray]:
    """Class means and the shared precision (Mahalanobis), and a feature bank (kNN).

    The covariance is shrunk toward its mean variance (1 % of it on the diagonal), which keeps it
    invertible when there are fewer parts than channels.
    """
    f = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    means = np.zeros((num_classes, f.shape[1]))
    for c in range(num_classes):
        if (y == c).any():
            means[c] = f[y == c].mean(axis=0)
    centred = f - means[y]
    cov = centred.T @ centred / max(len(f) - 1, 1)
    cov += np.eye(len(cov)) * 0.01 * max(float(np.trace(cov)) / len(cov), 1e-12)
    unit = f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
    rng = np.random.default_rng(seed)
    bank = unit[rng.permutation(len(unit))[:bank_size]]
    return {"means": means.astype(np.float32), "precision": np.linalg.inv(cov).astype(np.float32),
            "bank": bank.astype(np.float32)}


def auroc(familiar: np.ndarray, unfamiliar: np.ndarray) -> float:
    """Probability that an unfamiliar part scores above a familiar one (ties count half)."""
    a, b = np.asarray(familiar, np.float64), np.asarray(unfamiliar, np.float64)
    if not len(a) or not len(b):
        return float("nan")
    scores = np.concatenate([a, b])
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    return float((ranks[len(a):].sum() - len(b) * (len(b) + 1) / 2) / (len(a) * len(b)))
