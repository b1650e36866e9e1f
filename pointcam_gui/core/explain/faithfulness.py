"""Is the evidence real? Deletion and insertion curves for any method's map (captum keeps its
metrics apart from its methods in the same way).

Deletion moves the hottest k % of the points to the centroid (the origin of model space) and
follows the target's probability as k grows from 0 to 50 %; insertion starts with every point at
the centroid and puts back the hottest k %. The same with the points taken in random orders is
the baseline. A faithful map makes the probability fall faster than random under deletion and
rise faster under insertion: each gap is the mean distance between the method's curve and the
random one over k (0: no better than random; the scale is probability).

``score`` is the deletion gap. Insertion is reported beside it but not scored: a few hot points
that sit together, with the rest at the centroid, are far from any part the model has seen, so
insertion favours maps spread evenly over the part, as random orders are (measured on the
samples: most methods insert worse than random while deleting far better).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from pointcam_gui.core.explain.base import logits_of
from pointcam_gui.core.model import PointNet

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis

FRACTIONS = np.round(np.linspace(0.0, 0.5, 11), 3)
RANDOM_ORDERS = 8
MAX_VIEWS = 4  # of the analysis's views: the curves barely move beyond a few


@dataclass(frozen=True)
class Faithfulness:
    target: int
    fractions: np.ndarray  # (F,) share of points moved (deletion) or kept (insertion)
    deletion: np.ndarray  # (F,) the target's probability, points taken by heat
    deletion_random: np.ndarray  # (F,) the same, points taken in random orders (mean)
    insertion: np.ndarray
    insertion_random: np.ndarray

    @property
    def deletion_gap(self) -> float:
        return float(np.mean(self.deletion_random - self.deletion))

    @property
    def insertion_gap(self) -> float:
        return float(np.mean(self.insertion - self.insertion_random))

    @property
    def score(self) -> float:
        """The faithfulness: the deletion gap (see the module's note on insertion)."""
        return self.deletion_gap

    def to_dict(self) -> dict[str, object]:
        return {"target": self.target, "score": round(self.score, 4),
                "deletion_gap": round(self.deletion_gap, 4),
                "insertion_gap": round(self.insertion_gap, 4),
                "fractions": self.fractions.tolist(),
                "deletion": np.round(self.deletion, 4).tolist(),
                "deletion_random": np.round(self.deletion_random, 4).tolist(),
                "insertion": np.round(self.insertion, 4).tolist(),
                "insertion_random": np.round(self.insertion_random, 4).tolist()}


def curves(model: PointNet, x: torch.Tensor, heat: torch.Tensor, target: int,
           temperature: float = 1.0, fractions: np.ndarray = FRACTIONS,
           orders: int = RANDOM_ORDERS, seed: int = 0) -> Faithfulness:
    """Deletion and insertion curves of views x (V, 3, N) whose points carry ``heat`` (V, N);
    the probability is the views' mean tempered softmax."""
    v, _, n = x.shape
    gen = torch.Generator().manual_seed(seed)
    by_heat = torch.argsort(-heat, dim=1, stable=True)
    shuffled = torch.stack([torch.stack([torch.randperm(n, generator=gen) for _ in range(v)])
                            for _ in range(orders)]).to(x.device)  # (R, V, N)
    ranked = torch.cat([by_heat[None], shuffled])  # (1 + R, V, N): the order points go in
    counts = [round(float(f) * n) for f in fractions]
    logits = _masked_logits(model, x, ranked, counts)  # (2, F, 1 + R, V, C)
    probs = torch.softmax(logits / temperature, dim=-1)[..., target].mean(dim=-1)
    p = probs.cpu().numpy()
    return Faithfulness(target, np.asarray(fractions, float), p[0, :, 0], p[0, :, 1:].mean(1),
                        p[1, :, 0], p[1, :, 1:].mean(1))


def _masked_logits(model: PointNet, x: torch.Tensor, ranked: torch.Tensor,
                   counts: list[int]) -> torch.Tensor:
    """(2, F, O, V, C) logits with, for each order (O, V, N) and count k, the first k points
    moved to the origin (deletion) or all but the first k (insertion).

    Where each point's features are its own, moving points changes only their features, to the
    origin's: the pooled feature is then a running maximum along the order, one pass per order,
    and only the head runs per mask. Otherwise (T-Nets, or average pooling) every masked set goes
    through the network."""
    o, v, n = ranked.shape
    with torch.no_grad():
        if model.swaps_features:
            acts = model.point_features(x)  # (V, K, N)
            origin = model.origin_feature(x)
            in_order = torch.gather(acts[None].expand(o, -1, -1, -1), 3,
                                    ranked[:, :, None, :].expand(-1, -1, acts.shape[1], -1))
            first = in_order.cummax(dim=3).values  # max of the first j + 1 points
            rest = in_order.flip(3).cummax(dim=3).values.flip(3)  # max from point j on
            base = origin.expand_as(first[..., 0])  # the moved points' feature

            def pooled_of(kept: torch.Tensor | None, moved: int) -> torch.Tensor:
                if kept is None:
                    return base
                return torch.maximum(kept, base) if moved else kept

            deleted = [pooled_of(rest[..., k] if k < n else None, k) for k in counts]
            inserted = [pooled_of(first[..., k - 1] if k > 0 else None, n - k) for k in counts]
            pooled = torch.stack([torch.stack(deleted), torch.stack(inserted)])  # (2, F, O, V, K)
            return model.head(pooled.reshape(-1, pooled.shape[-1])).view(
                2, len(counts), o, v, -1)
        rank = torch.empty_like(ranked)
        rank.scatter_(2, ranked, torch.arange(n, device=x.device).expand_as(ranked))
        keep = torch.stack([torch.stack([rank >= k for k in counts]),
                            torch.stack([rank < k for k in counts])])  # (2, F, O, V, N)
        return logits_of(model, (x * keep[..., None, :]).reshape(-1, 3, n)).view(
            2, len(counts), o, v, -1)


def of_analysis(model: PointNet, analysis: Analysis, target: int, temperature: float = 1.0,
                device: torch.device | str = "cpu") -> Faithfulness:
    """The curves of an analysis's map of ``target`` on the first ``MAX_VIEWS`` of the views it
    averaged (sampling-major: each sampling's points, each with its heat, in the allowed frames)."""
    frames = analysis.frames
    world = analysis.points.reshape(analysis.samplings, -1, 3)
    heat = analysis.cams[target].reshape(analysis.samplings, -1)
    pairs = [(w, h, f) for w, h in zip(world, heat, strict=True) for f in frames][:MAX_VIEWS]
    views = np.stack([f.apply(w) for w, _, f in pairs]).transpose(0, 2, 1)
    x = torch.from_numpy(np.ascontiguousarray(views, np.float32)).to(device)
    per_view = torch.from_numpy(np.stack([h for _, h, _ in pairs])).to(device)
    return curves(model, x, per_view, target, temperature)
