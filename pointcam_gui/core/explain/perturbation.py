"""Perturbation: change the points, watch the score. Occlusion moves patches of nearby points to
the centroid; Score-CAM scales the points by each channel's activation and weights the channel by
the score it keeps.
"""

from __future__ import annotations

import torch

from pointcam_gui.core.explain.base import Explainer, Views, scores
from pointcam_gui.core.explain.catalogue import CATALOGUE


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
        if self.model.pointwise and self.model.config.pool == "max":
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
    BATCH = 256
    info = CATALOGUE["scorecam"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        acts = views.acts
        lo, hi = acts.amin(dim=2, keepdim=True), acts.amax(dim=2, keepdim=True)
        masks = (acts - lo) / (hi - lo + 1e-8)  # (V, K, N), torchcam's normalisation
        v, k, n = acts.shape
        base = views.logits @ targets.to(views.logits.dtype).T  # (V, T)
        masked = (views.x[:, None] * masks[:, :, None, :]).reshape(v * k, 3, n)
        kept = scores(self.model, masked, targets, self.BATCH).view(v, k, -1)
        w = torch.softmax(kept - base[:, None, :], dim=1).transpose(1, 2)  # (V, T, K)
        if shared:
            w = w.mean(dim=0, keepdim=True).expand_as(w)
        return torch.relu(torch.bmm(w, acts))
