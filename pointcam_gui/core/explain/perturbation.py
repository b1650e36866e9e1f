"""Perturbation: change the points, watch the score. Occlusion moves patches of nearby points to
the centroid; Score-CAM scales the points by each channel's activation and weights the channel by
the score it keeps.
"""

from __future__ import annotations

import torch

from pointcam_gui.core.explain.base import Explainer, Views, scores
from pointcam_gui.core.explain.catalogue import CATALOGUE
from pointcam_gui.core.model import MIN_POINTS


def patches(x: torch.Tensor, count: int) -> torch.Tensor:
    """(V, N) patch index of every point: ``count`` centres by farthest-point sampling from the
    first point, each point in the patch of its nearest centre. Deterministic."""
    v, _, n = x.shape
    dev = x.device
    pts = x.transpose(1, 2)  # (V, N, 3)
    count = min(count, n)
    centres = torch.zeros(v, count, dtype=torch.long, device=dev)
    dist = torch.full((v, n), float("inf"), dtype=x.dtype, device=dev)
    rows = torch.arange(v, device=dev)
    for i in range(1, count):
        last = pts[rows, centres[:, i - 1]]
        dist = torch.minimum(dist, ((pts - last[:, None]) ** 2).sum(-1))
        centres[:, i] = dist.argmax(dim=1)
    chosen = pts[rows[:, None], centres]  # (V, P, 3)
    return torch.cdist(pts, chosen).argmin(dim=2)


class Occlusion(Explainer):
    info = CATALOGUE["occlusion"]
    PATCHES = int(info.parameter("patches"))

    def drops(self, views: Views, targets: torch.Tensor,
              patch: torch.Tensor) -> torch.Tensor:
        """(V, P, T): score of the views minus score with patch p at the centroid."""
        v, _, n = views.x.shape
        count = int(patch.max()) + 1
        base = views.logits @ targets.to(views.logits.dtype).T  # (V, T)
        if self.model.swaps_features:
            occluded = self._pooled_without(views, patch, count)
            with torch.no_grad():
                logits = self.model.head(occluded.reshape(v * count, -1))
            after = (logits @ targets.to(logits.dtype).T).view(v, count, -1)
        else:
            ids = torch.arange(count, device=patch.device)
            keep = patch[:, None, :] != ids[None, :, None]  # (V, P, N)
            x = views.x[:, None] * keep[:, :, None, :]
            after = scores(self.model, x.reshape(v * count, 3, n), targets).view(v, count, -1)
        return base[:, None, :] - after

    def _pooled_without(self, views: Views, patch: torch.Tensor, count: int) -> torch.Tensor:
        """(V, P, K): the pooled feature with patch p at the origin, without a forward pass:
        the other patches' maximum, or the origin's own feature where that is larger."""
        v, k, _ = views.acts.shape
        per_patch = torch.full((v, count, k), -torch.inf, dtype=views.acts.dtype,
                               device=views.acts.device)
        per_patch.scatter_reduce_(1, patch[:, :, None].expand(-1, -1, k),
                                  views.acts.transpose(1, 2), "amax")
        if count == 1:
            others = torch.full_like(per_patch, -torch.inf)
        else:
            top = per_patch.topk(2, dim=1)
            ids = torch.arange(count, device=patch.device)
            is_top = top.indices[:, :1] == ids[None, :, None]  # (V, P, K)
            others = torch.where(is_top, top.values[:, 1:2], top.values[:, :1])
        return torch.maximum(others, self.model.origin_feature(views.x))

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        patch = patches(views.x, self.PATCHES)
        drop = self.drops(views, targets, patch)  # (V, P, T)
        per_point = torch.gather(drop, 1, patch[:, :, None].expand(-1, -1, drop.shape[2]))
        return torch.relu(per_point.transpose(1, 2))


class ScoreCAM(Explainer):
    BATCH = 256  # masked point sets per pass
    LIT_BATCH = 32  # the same with only lit points: masks of similar sizes share a pass
    info = CATALOGUE["scorecam"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        acts = views.acts
        lo, hi = acts.amin(dim=2, keepdim=True), acts.amax(dim=2, keepdim=True)
        masks = (acts - lo) / (hi - lo + 1e-8)  # (V, K, N), torchcam's normalisation
        base = views.logits @ targets.to(views.logits.dtype).T  # (V, T)
        kept = self.masked_scores(views.x, masks, targets)  # (V, K, T)
        w = torch.softmax(kept - base[:, None, :], dim=1).transpose(1, 2)  # (V, T, K)
        if shared:
            w = w.mean(dim=0, keepdim=True).expand_as(w)
        return torch.relu(torch.bmm(w, acts))

    def masked_scores(self, x: torch.Tensor, masks: torch.Tensor,
                      targets: torch.Tensor) -> torch.Tensor:
        """(V, K, T) target scores of the views' points scaled by each mask (V, K, N).

        A point whose mask is 0 sits at the origin, and in a pointwise max-pooled model its
        features are then the origin's, whatever else moves: only the points a channel lights
        (under half, measured on the samples) go through the network, and the origin's feature
        joins their max. Masks of similar sizes share a pass, padded with repeats of a lit
        point, which leave a maximum unchanged."""
        v, k, n = masks.shape
        if not self.model.swaps_features:
            masked = (x[:, None] * masks[:, :, None, :]).reshape(v * k, 3, n)
            return scores(self.model, masked, targets, self.BATCH).view(v, k, -1)
        flat = masks.reshape(v * k, n)
        lit = flat > 0
        counts = lit.sum(dim=1)
        order = torch.argsort(lit.to(torch.int8), dim=1, descending=True, stable=True)
        origin = self.model.origin_feature(x)
        pooled = torch.empty(v * k, origin.shape[0], dtype=x.dtype, device=x.device)
        by_size = torch.argsort(counts)
        for start in range(0, v * k, self.LIT_BATCH):
            rows = by_size[start:start + self.LIT_BATCH]
            width = max(int(counts[rows].max()), MIN_POINTS)
            idx = order[rows, :width]
            real = torch.arange(width, device=x.device) < counts[rows, None].clamp_min(1)
            idx = torch.where(real, idx, idx[:, :1])  # pad with the first lit point
            pts = torch.gather(x[rows // k], 2, idx[:, None, :].expand(-1, 3, -1))
            scale = torch.gather(flat[rows], 1, idx)[:, None, :]
            with torch.no_grad():
                feats = self.model.point_features(pts * scale).amax(dim=2)
            # a dark mask's only (padding) point is at the origin: its feature is the origin's
            some_at_origin = (counts[rows] < n)[:, None]
            pooled[rows] = torch.where(some_at_origin, torch.maximum(feats, origin), feats)
        with torch.no_grad():
            logits = self.model.head(pooled)
        return (logits @ targets.to(logits.dtype).T).view(v, k, -1)
