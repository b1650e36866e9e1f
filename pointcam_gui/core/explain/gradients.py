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
from pointcam_gui.core.explain.jacobians import (
    chain_of_blocks,
    guided_winner_gradients,
    live_winners,
    point_jacobians,
    winner_gradients,
)
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
    # Only points that receive some channel's gradient matter: gather them (padded to what the
    # network accepts). Under max-pooling they are the winners, at most one per channel.
    by_hand = views.pool == "max" and chain_of_blocks(model)
    won = live_winners(views) if by_hand else views.winners()  # (V, K, N)
    hit = won.any(dim=1)  # (V, N)
    w = max(int(hit.sum(dim=1).max()), MIN_POINTS)
    order = torch.argsort(hit.to(torch.int8), dim=1, descending=True, stable=True)[:, :w]
    valid = torch.gather(hit, 1, order)  # (V, W): padding is False
    pts = torch.gather(views.x, 2, order[:, None, :].expand(-1, 3, -1))
    share = torch.gather(won, 2, order[:, None, :].expand(-1, won.shape[1], -1))
    if by_hand:  # every winner is among the gathered points: tied ones share the gradient
        share = share.to(views.acts.dtype)
        share /= share.sum(dim=2, keepdim=True).clamp_min_(1)
    share = share * valid[:, None]  # (V, K, W)
    if guided and by_hand:
        grad = guided_winner_gradients(model, pts, share, pooled_grad)
    elif guided:  # guided backprop changes the backward pass itself: one per target
        grad_a = pooled_grad[:, :, :, None] * share[:, None]  # (V, T, K, W)
        x = pts[:, None].expand(v, t, 3, w).reshape(v * t, 3, w).clone().requires_grad_(True)
        with torch.enable_grad(), guided_relus(model):
            acts = model.features(x)
            (grad,) = torch.autograd.grad(acts, x, grad_outputs=grad_a.reshape(v * t, -1, w))
        grad = grad.view(v, t, 3, w)
    elif by_hand:
        grad = winner_gradients(model, pts, share, pooled_grad)
    else:  # each point's features depend on it alone: its 3 x K Jacobian serves every target
        routed = point_jacobians(model, pts) * share[:, None]  # (V, 3, K, W)
        k = routed.shape[2]
        grad = torch.bmm(pooled_grad, routed.transpose(1, 2).reshape(v, k, 3 * w))
        grad = grad.view(v, t, 3, w)
    out = torch.zeros(v, t, 3, n, dtype=grad.dtype, device=grad.device)
    idx = order[:, None, None, :].expand(v, t, 3, w)
    return out.scatter_add_(3, idx, grad * valid[:, None, None, :])


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
    BATCH = 4  # point sets per pass (path steps of all views together): on an idle 2-core CPU
    # 4 beat 1, 8, 32 and 128 for one view (0.26 s against 0.30-0.48) and were within 10 % of the
    # best for four views

    def attributions(self, views: Views, targets: torch.Tensor) -> torch.Tensor:
        """(V, T, 3, N) captum-style attributions; the path steps of every view go through the
        network together, ``BATCH`` point sets at a time."""
        nodes, weights = np.polynomial.legendre.leggauss(self.STEPS)
        alphas = torch.as_tensor((nodes + 1) / 2, dtype=views.x.dtype, device=views.x.device)
        step_w = torch.as_tensor(weights / 2, dtype=views.x.dtype, device=views.x.device)
        v = views.x.shape[0]
        scaled = (alphas[:, None, None, None] * views.x[None]).reshape(-1, *views.x.shape[1:])
        total = torch.zeros(v, len(targets), *views.x.shape[1:], dtype=views.x.dtype,
                            device=views.x.device)
        per = max(1, self.BATCH // v)  # steps per pass
        for s in range(0, self.STEPS, per):
            chunk = scaled[s * v:(s + per) * v]
            grads = input_gradients(self.model, Views.of(self.model, chunk), targets)
            total += torch.einsum("s,sv...->v...", step_w[s:s + per],
                                  grads.view(-1, v, *grads.shape[1:]))
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
