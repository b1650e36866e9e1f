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
    # Only points that receive some channel's gradient matter: gather them (padded to what the
    # network accepts). Under max-pooling they are the winners, at most one per channel.
    won = views.winners()  # (V, K, N)
    hit = won.sum(dim=1) > 0  # (V, N)
    w = max(int(hit.sum(dim=1).max()), MIN_POINTS)
    order = torch.argsort(hit.to(torch.int8), dim=1, descending=True, stable=True)[:, :w]
    valid = torch.gather(hit, 1, order)  # (V, W): padding is False
    pts = torch.gather(views.x, 2, order[:, None, :].expand(-1, 3, -1))
    share = torch.gather(won, 2, order[:, None, :].expand(-1, won.shape[1], -1)) * valid[:, None]
    if guided and views.pool == "max" and _chain_of_blocks(model):
        grad = _guided_winner_gradients(model, pts, share, pooled_grad)
    elif guided:  # guided backprop changes the backward pass itself: one per target
        grad_a = pooled_grad[:, :, :, None] * share[:, None]  # (V, T, K, W)
        x = pts[:, None].expand(v, t, 3, w).reshape(v * t, 3, w).clone().requires_grad_(True)
        with torch.enable_grad(), guided_relus(model):
            acts = model.features(x)
            (grad,) = torch.autograd.grad(acts, x, grad_outputs=grad_a.reshape(v * t, -1, w))
        grad = grad.view(v, t, 3, w)
    elif views.pool == "max" and _chain_of_blocks(model):
        grad = _winner_gradients(model, pts, share, pooled_grad)
    else:  # each point's features depend on it alone: its 3 x K Jacobian serves every target
        routed = point_jacobians(model, pts) * share[:, None]  # (V, 3, K, W)
        k = routed.shape[2]
        grad = torch.bmm(pooled_grad, routed.transpose(1, 2).reshape(v, k, 3 * w))
        grad = grad.view(v, t, 3, w)
    out = torch.zeros(v, t, 3, n, dtype=grad.dtype, device=grad.device)
    idx = order[:, None, None, :].expand(v, t, 3, w)
    return out.scatter_add_(3, idx, grad * valid[:, None, None, :])


@torch.no_grad()
def point_jacobians(model: PointNet, pts: torch.Tensor) -> torch.Tensor:
    """(V, 3, K, W): d A_k,w / d x_w,d for point sets (V, 3, W) of a pointwise model.

    Each point's features are a chain of 1x1 convolutions, batch norms (fixed affine maps in
    eval mode) and ReLUs applied to that point alone, so its Jacobian is the product of the
    weights and the masks its forward pass records: three columns per point, carried forward
    (forward-mode by hand, as ``head_jacobian`` does backwards for the head). Any other block
    falls back to ``torch.func.jvp`` (slower: its batch norm runs a reference decomposition)."""
    if not _chain_of_blocks(model):
        return _jvp_jacobians(model, pts)
    jac, h = _forward_jacobian(model, pts, len(_blocks(model)))
    gate = _gate(_blocks(model)[-1], h)  # (K, V, W)
    last = _weight(_blocks(model)[-1])
    out = (last @ jac.reshape(jac.shape[0], -1)).view(-1, *jac.shape[1:]) * gate[:, :, None, :]
    return out.permute(1, 2, 0, 3)


@torch.no_grad()
def _winner_gradients(model: PointNet, pts: torch.Tensor, share: torch.Tensor,
                      pooled_grad: torch.Tensor) -> torch.Tensor:
    """(V, T, 3, W): sum_k pooled_grad_t,k share_k,w d A_k,w / d x_w under max-pooling, where
    each channel routes its gradient to one point (or a few tied ones): the last layer's
    Jacobian is needed only at those (channel, point) pairs, K per view rather than K x W."""
    blocks = _blocks(model)
    v, _, w = pts.shape
    jac, h = _forward_jacobian(model, pts, len(blocks))  # (C, V, 3, W) below the last layer
    # the routed (view, channel, point) triples; a channel whose ReLU is shut everywhere ties
    # all its points at zero, but passes no gradient: its points drop out here
    routing = share * _gate(blocks[-1], h).transpose(0, 1)  # (V, K, W)
    pv, pk, pw = routing.nonzero(as_tuple=True)
    last = _weight(blocks[-1])  # (K, C)
    below = jac[:, pv, :, pw]  # (P, C, 3)
    rows = torch.einsum("pc,pcd->pd", last[pk], below) * routing[pv, pk, pw][:, None]
    routed = pooled_grad[pv, :, pk][:, :, None] * rows[:, None, :]  # (P, T, 3)
    out = torch.zeros(v, w, pooled_grad.shape[1], 3, dtype=rows.dtype, device=rows.device)
    out.index_put_((pv, pw), routed, accumulate=True)
    return out.permute(0, 2, 3, 1)


@torch.no_grad()
def _guided_winner_gradients(model: PointNet, pts: torch.Tensor, share: torch.Tensor,
                             pooled_grad: torch.Tensor) -> torch.Tensor:
    """(V, T, 3, W): guided backpropagation by hand, every target at once. Each ReLU passes back
    the positive part of its masked upstream gradient (captum's hook), batch norms scale it and
    convolutions transpose it; the pooled layer's upstream is non-zero only at the K routed
    (channel, point) pairs, so its rows are taken there only, as in ``_winner_gradients``."""
    blocks = _blocks(model)
    v, _, w = pts.shape
    t = pooled_grad.shape[1]
    gates, h = [], pts
    for block in blocks:
        z = block[1](block[0](h))
        gates.append((z > 0).to(z.dtype))  # (V, C, W)
        h = torch.relu(z)
    routing = share * gates[-1]  # (V, K, W): share >= 0, so relu(g share mask) = relu(g) share mask
    pv, pk, pw = routing.nonzero(as_tuple=True)
    scale = _bn_scale(blocks[-1])
    below = torch.relu(pooled_grad[pv, :, pk]) * (routing[pv, pk, pw] * scale[pk])[:, None]
    last = _weight(blocks[-1])  # (K, C)
    c = last.shape[1]
    up = torch.zeros(v * w, t * c, dtype=pts.dtype, device=pts.device)
    up.index_add_(0, pv * w + pw, (below[:, :, None] * last[pk][:, None, :]).view(-1, t * c))
    up = up.view(v, w, t, c)
    for block, gate in zip(reversed(blocks[:-1]), reversed(gates[:-1]), strict=True):
        passed = torch.relu(up * gate.transpose(1, 2)[:, :, None, :]) * _bn_scale(block)
        up = passed @ _weight(block)  # (V, W, T, C_in)
    return up.permute(0, 2, 3, 1)


def _bn_scale(block: nn.Sequential) -> torch.Tensor:
    """(C,) the block's batch norm as a scale (eval mode: a fixed affine map)."""
    bn = block[1]
    assert isinstance(bn, nn.BatchNorm1d) and bn.running_var is not None
    scale = torch.rsqrt(bn.running_var + bn.eps)
    return scale * bn.weight if bn.weight is not None else scale


def _blocks(model: PointNet) -> list[nn.Sequential]:
    return [model.stem, *model.trunk, model.cam_layer]


def _weight(block: nn.Sequential) -> torch.Tensor:
    """(C_out, C_in) the block's 1x1 convolution as a matrix."""
    conv = block[0]
    assert isinstance(conv, nn.Conv1d)
    return conv.weight[:, :, 0]


def _chain_of_blocks(model: PointNet) -> bool:
    """Whether every per-point block is a 1x1 convolution, a batch norm and a ReLU."""
    return all(isinstance(b, nn.Sequential) and len(b) == 3
               and isinstance(b[0], nn.Conv1d) and b[0].kernel_size == (1,)
               and isinstance(b[1], nn.BatchNorm1d) and isinstance(b[2], nn.ReLU)
               for b in _blocks(model))


def _gate(block: nn.Sequential, h: torch.Tensor) -> torch.Tensor:
    """(C, V, W) the block's ReLU mask times its batch-norm scale, at inputs h (V, C_in, W)."""
    z = block[1](block[0](h))
    return ((z > 0).to(z.dtype) * _bn_scale(block)[None, :, None]).transpose(0, 1)


def _forward_jacobian(model: PointNet, pts: torch.Tensor,
                      depth: int) -> tuple[torch.Tensor, torch.Tensor]:
    """d h / d x (C, V, 3, W) and h (V, C, W) after the first ``depth - 1`` blocks."""
    v, _, w = pts.shape
    h = pts
    jac = torch.eye(3, dtype=pts.dtype, device=pts.device)[:, None, :, None].expand(3, v, 3, w)
    with torch.no_grad():
        for block in _blocks(model)[:depth - 1]:
            lin = (_weight(block) @ jac.reshape(jac.shape[0], -1)).view(-1, v, 3, w)
            jac = lin * _gate(block, h)[:, :, None, :]
            h = block(h)
    return jac, h


def _jvp_jacobians(model: PointNet, pts: torch.Tensor) -> torch.Tensor:
    """The general route: three forward-mode passes, one per coordinate, batched."""
    v, _, w = pts.shape
    tangents = torch.eye(3, dtype=pts.dtype, device=pts.device)[:, None, :, None]
    primal = pts[None].expand(3, v, 3, w).reshape(3 * v, 3, w).contiguous()
    tangent = tangents.expand(3, v, 3, w).reshape(3 * v, 3, w).contiguous()
    with torch.no_grad():
        dual = torch.func.jvp(model.features, (primal,), (tangent,))[1]
    return dual.view(3, v, -1, w).transpose(0, 1)


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
    BATCH = 8  # point sets per pass (path steps of all views together): measured best of
    # 1, 4, 8, 32 and 128 on the hook sample, 2 cores

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
