"""What every explanation method shares: the views it explains, its targets, and one override.

A method sees a part as V views (point sets in model space, ``Views``) and explains T targets at
once: each target is a row of weights over the logits (``targets``), so a class is a row of the
identity and "A rather than B" is e_A - e_B. The base holds the forward pass (activations, pooled
feature, logits, and the head's Jacobian, which is what turns a target into gradients at the
pooled feature); a method overrides ``maps`` only, returning (V, T, N) raw maps, non-negative.

``shared``: the views are of one part (the stable analysis). Methods that weight channels then
share one set of weights over all the views' points, as Grad-CAM does over one image's positions;
methods that act per point compute each view alone, and the pipeline averages per point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch

from pointcam_gui.core.explain.catalogue import MethodInfo
from pointcam_gui.core.explain.gradcam import head_jacobian
from pointcam_gui.core.model import PointNet


@dataclass(frozen=True)
class Views:
    """V views of one or several parts and what one forward pass gives of them."""

    x: torch.Tensor  # (V, 3, N) points in model space
    acts: torch.Tensor  # (V, K, N) ``cam_layer`` activations
    logits: torch.Tensor  # (V, C)
    jac: torch.Tensor  # (V, C, K) d logits / d pooled feature
    pooled: torch.Tensor  # (V, K) the global feature
    pool: str = "max"  # the model's global pooling: "max" or "avg"

    @classmethod
    def of(cls, model: PointNet, x: torch.Tensor, acts: torch.Tensor | None = None) -> Views:
        with torch.no_grad():
            a = model.point_features(x) if acts is None else acts
            pooled = model.pool(a)
            logits, jac = head_jacobian(model, pooled)
        return cls(x, a, logits, jac, pooled, model.config.pool)

    def receivers(self) -> torch.Tensor:
        """(V, K) how many points receive channel k's gradient: its tied max-pool winners, or
        every point under average pooling. Each receives the same share, 1 / receivers."""
        if self.pool == "avg":
            v, k, n = self.acts.shape
            return torch.full((v, k), float(n), dtype=self.acts.dtype, device=self.acts.device)
        return (self.acts == self.pooled[:, :, None]).sum(dim=2).to(self.acts.dtype)

    def winners(self) -> torch.Tensor:
        """(V, K, N): d pooled_k / d A_k,n, i.e. 1 at the point that wins channel k's max-pool
        and 0 elsewhere; tied points share the 1 equally, as autograd's ``amax`` does. Under
        average pooling every point has 1 / N."""
        if self.pool == "avg":
            return torch.full_like(self.acts, 1.0 / self.acts.shape[2])
        hit = (self.acts == self.pooled[:, :, None]).to(self.acts.dtype)
        return hit / hit.sum(dim=2, keepdim=True)

    def target_jacobian(self, targets: torch.Tensor) -> torch.Tensor:
        """(V, T, K): d target score / d pooled feature, for targets (T, C) over the logits."""
        return torch.einsum("tc,vck->vtk", targets.to(self.jac.dtype), self.jac)


class Explainer:
    """A method on a model; ``maps`` is the one thing a method overrides."""

    info: ClassVar[MethodInfo]

    def __init__(self, model: PointNet) -> None:
        if model.training:
            raise RuntimeError("explanations need the model in eval mode")
        self.model = model

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        """(V, T, N) raw, non-negative maps of every target on every view's points."""
        raise NotImplementedError


class WeightedCAM(Explainer):
    """The CAM family: a weight per (target, channel), map = ReLU(sum_k w_k A_k); a method
    overrides ``weights``. Shared views use the mean of the views' weights."""

    def weights(self, views: Views, tj: torch.Tensor) -> torch.Tensor:
        """(V, T, K) channel weights from the target Jacobian ``tj`` (V, T, K)."""
        raise NotImplementedError

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        return weighted_maps(views, self.weights(views, views.target_jacobian(targets)), shared)


def weighted_maps(views: Views, w: torch.Tensor, shared: bool) -> torch.Tensor:
    """(V, T, N) ReLU(sum_k w_k A_k) for channel weights w (V, T, K); ``shared``: every view
    uses the mean of the views' weights."""
    if shared:
        w = w.mean(dim=0, keepdim=True).expand_as(w)
    return torch.relu(torch.bmm(w, views.acts))


def logits_of(model: PointNet, x: torch.Tensor, batch: int = 256) -> torch.Tensor:
    """(B, C) logits of point sets x (B, 3, N), in batches, without a graph."""
    with torch.no_grad():
        return torch.cat([model(x[s:s + batch]) for s in range(0, len(x), batch)])


def scores(model: PointNet, x: torch.Tensor, targets: torch.Tensor,
           batch: int = 256) -> torch.Tensor:
    """(B, T) target scores of point sets x (B, 3, N), in batches, without a graph."""
    logits = logits_of(model, x, batch)
    return logits @ targets.to(logits.dtype).T
