"""Gradients on points: guided backpropagation, guided Grad-CAM, integrated gradients, and the
point-cloud saliency of Zheng et al. Each gives a value per point from the score's gradient with
respect to the point's x, y, z.

All targets go through one batched backward pass. Where each point's features depend on that
point alone (PointNet without T-Nets), only the points that win some channel of the max-pool
receive gradient, so the backward pass runs on those points only; otherwise on every point.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from pointcam_gui.core.explain.base import Explainer, Views
from pointcam_gui.core.explain.cams import GradCAM
from pointcam_gui.core.explain.catalogue import CATALOGUE
from pointcam_gui.core.model import MIN_POINTS, PointNet


@contextmanager
def guided_relus(module: nn.Module) -> Iterator[None]:
    """Guided backpropagation inside the block: every nn.ReLU passes back only positive
    gradients (captum's GuidedBackprop hooks the same modules)."""
    def positive(_m: nn.Module, g_in: tuple[torch.Tensor, ...],
                 _g_out: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        return (F.relu(g_in[0]),)

    handles = [m.register_full_backward_hook(positive)
               for m in module.modules() if isinstance(m, nn.ReLU)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def input_gradients(model: PointNet, views: Views, rows: torch.Tensor,
                    guided: bool = False) -> torch.Tensor:
    """(V, T, 3, N): d (rows_t . logits) / d points, for rows (T, C) or per view (V, T, C)."""
    v, n = views.x.shape[0], views.x.shape[2]
    rows = rows.to(views.logits.dtype).expand(v, -1, -1) if rows.dim() == 2 else rows
    t = rows.shape[1]
    if not model.pointwise:
        x = views.x[:, None].expand(v, t, 3, n).reshape(v * t, 3, n).clone().requires_grad_(True)
        with torch.enable_grad(), (guided_relus(model) if guided else nullcontext()):
            score = (model(x) * rows.reshape(v * t, -1)).sum()
            (grad,) = torch.autograd.grad(score, x)
        return grad.view(v, t, 3, n)
    pooled_grad = (_guided_head_gradient(model, views.pooled, rows) if guided
                   else torch.einsum("vtc,vck->vtk", rows, views.jac))
    # Only winners receive gradient: gather them (padded to what the network accepts).
    won = views.winners()  # (V, K, N)
    hit = won.sum(dim=1) > 0  # (V, N)
    w = max(int(hit.sum(dim=1).max()), MIN_POINTS)
    order = torch.argsort(hit.to(torch.int8), dim=1, descending=True, stable=True)[:, :w]
    valid = torch.gather(hit, 1, order)  # (V, W): padding is False
    pts = torch.gather(views.x, 2, order[:, None, :].expand(-1, 3, -1))
    share = torch.gather(won, 2, order[:, None, :].expand(-1, won.shape[1], -1)) * valid[:, None]
    grad_a = pooled_grad[:, :, :, None] * share[:, None]  # (V, T, K, W)
    x = pts[:, None].expand(v, t, 3, w).reshape(v * t, 3, w).clone().requires_grad_(True)
    with torch.enable_grad(), (guided_relus(model) if guided else nullcontext()):
        acts = model.features(x)
        (grad,) = torch.autograd.grad(acts, x, grad_outputs=grad_a.reshape(v * t, -1, w))
    out = torch.zeros(v, t, 3, n, dtype=grad.dtype, device=grad.device)
    idx = order[:, None, None, :].expand(v, t, 3, w)
    return out.scatter_add_(3, idx, grad.view(v, t, 3, w) * valid[:, None, None, :])


def _guided_head_gradient(model: PointNet, pooled: torch.Tensor,
                          rows: torch.Tensor) -> torch.Tensor:
    """(V, T, K): the guided gradient of each row's score at the pooled feature."""
    v, t, _ = rows.shape
    probe = pooled[:, None].expand(v, t, -1).reshape(v * t, -1).clone().requires_grad_(True)
    with torch.enable_grad(), guided_relus(model.head):
        score = (model.head(probe) * rows.reshape(v * t, -1)).sum()
        (grad,) = torch.autograd.grad(score, probe)
    return grad.view(v, t, -1)


class GuidedBackprop(Explainer):
    info = CATALOGUE["guided-backprop"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        grad = input_gradients(self.model, views, targets, guided=True)
        return torch.linalg.vector_norm(grad, dim=2)


class GuidedGradCAM(Explainer):
    info = CATALOGUE["guided-gradcam"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        guided = GuidedBackprop(self.model).maps(views, targets)
        return guided * GradCAM(self.model).maps(views, targets, shared)


class IntegratedGradients(Explainer):
    """Along the straight path from every point at the centroid (the origin of model space)
    to the points, with captum's default Gauss-Legendre rule; per point, the sum over x, y, z
    of (x - baseline) times the mean gradient (its share of the score change), positive part."""

    info = CATALOGUE["integrated-gradients"]
    STEPS = int(info.parameter("steps"))
    def attributions(self, views: Views, targets: torch.Tensor) -> torch.Tensor:
        """(V, T, 3, N) captum-style attributions, one path step per pass through the network
        (batching several steps was measured slower on 2 cores: eight at once 2.0-2.3 s against
        0.8 s one at a time, on the hook sample)."""
        nodes, weights = np.polynomial.legendre.leggauss(self.STEPS)
        total = torch.zeros(views.x.shape[0], len(targets), *views.x.shape[1:],
                            dtype=views.x.dtype, device=views.x.device)
        for a, wt in zip((nodes + 1) / 2, weights / 2, strict=True):  # [-1, 1] to [0, 1]
            step = Views.of(self.model, views.x * float(a))
            total += float(wt) * input_gradients(self.model, step, targets)
        return views.x[:, None] * total

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        return torch.relu(self.attributions(views, targets).sum(dim=2))


class PointSaliency(Explainer):
    """Zheng et al.: s = -r^(1+a) dL/dr, with r each point's distance to the median centre and
    L the class's cross-entropy (for a contrast row, minus its score); a = 1. Positive where
    moving the point to the centre would raise the loss."""

    info = CATALOGUE["point-saliency"]
    ALPHA = float(info.parameter("alpha"))

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        t = targets.to(views.logits.dtype)
        probs = torch.softmax(views.logits, dim=1)
        # the loss -t.logits + (sum t) logsumexp(logits): cross-entropy for a class row,
        # minus the score for a contrast row; rows are its negative gradient at the logits
        rows = t[None] - t.sum(dim=1)[None, :, None] * probs[:, None, :]
        grad_loss = -input_gradients(self.model, views, rows)  # (V, T, 3, N)
        centre = views.x.median(dim=2, keepdim=True).values
        offset = views.x - centre  # (V, 3, N)
        r = torch.linalg.vector_norm(offset, dim=1).clamp_min(1e-12)  # (V, N)
        d_loss_dr = (grad_loss * offset[:, None]).sum(dim=2) / r[:, None]
        return torch.relu(-(r[:, None] ** (1 + self.ALPHA)) * d_loss_dr)
