"""Per-point derivatives of a PointNet by hand, for every target at once.

Where each point's features depend on that point alone (no T-Nets), the gradient of any target
at a point is the head's gradient routed through the channels the point wins in the max-pool,
times that point's feature Jacobian. The per-point blocks are 1x1 convolutions, batch norms
(fixed affine maps in eval mode) and ReLUs, so the Jacobian is a product of weights and masks
recorded by one forward pass; the pooled layer's rows are needed only at the K routed (channel,
point) pairs. ``point_jacobians`` carries three columns per point forward; ``winner_gradients``
and ``guided_winner_gradients`` (captum's guided ReLU rule) give the input gradients of many
targets without a backward pass per target. ``torch.func.jvp`` is the general fallback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from pointcam_gui.core.folding import folded, pre_activation, split_linear, split_rmatmul
from pointcam_gui.core.model import PointNet

if TYPE_CHECKING:
    from pointcam_gui.core.explain.base import Views

_PAIRS = 1024  # routed pairs per product in ``guided_winner_gradients``: 1024 and 256 beat 4096
# and all at once (the (pairs, T, C) temporary stays in cache), with the same sums


@torch.no_grad()
def point_jacobians(model: PointNet, pts: torch.Tensor) -> torch.Tensor:
    """(V, 3, K, W): d A_k,w / d x_w,d for point sets (V, 3, W) of a pointwise model.

    Each point's features are a chain of 1x1 convolutions, batch norms (fixed affine maps in
    eval mode) and ReLUs applied to that point alone, so its Jacobian is the product of the
    weights and the masks its forward pass records: three columns per point, carried forward
    (forward-mode by hand, as ``head_jacobian`` does backwards for the head). Any other block
    falls back to ``torch.func.jvp`` (slower: its batch norm runs a reference decomposition)."""
    if not chain_of_blocks(model):
        return _jvp_jacobians(model, pts)
    v, _, w = pts.shape
    jac, h = _forward_jacobian(model, pts, len(_blocks(model)))  # (V*W, 3, C), (V*W, C)
    weight, bias = folded(_blocks(model)[-1])
    gate = split_linear(h, weight, bias) > 0  # (V*W, K)
    out = split_linear(jac.reshape(-1, jac.shape[2]), weight).view(v * w, 3, -1)
    out = out * gate[:, None, :]
    return out.view(v, w, 3, -1).permute(0, 2, 3, 1)


@torch.no_grad()
def winner_gradients(model: PointNet, pts: torch.Tensor, share: torch.Tensor,
                      pooled_grad: torch.Tensor) -> torch.Tensor:
    """(V, T, 3, W): sum_k pooled_grad_t,k share_k,w d A_k,w / d x_w under max-pooling, where
    each channel routes its gradient to one point (or a few tied ones): the last layer's
    Jacobian is needed only at those (channel, point) pairs, K per view rather than K x W.
    ``share`` routes live channels only (``live_winners``)."""
    blocks = _blocks(model)
    v, _, w = pts.shape
    jac, _ = _forward_jacobian(model, pts, len(blocks))  # (V*W, 3, C) below the last layer
    pv, pk, pw = share.nonzero(as_tuple=True)  # the routed pairs: the last ReLU passes there
    last = folded(blocks[-1])[0]  # (K, C), its batch norm's scale included
    at = jac.view(v * w, -1).index_select(0, pv * w + pw).view(len(pv), 3, -1)  # (P, 3, C)
    rows = torch.bmm(at, last[pk][:, :, None])[:, :, 0] * share[pv, pk, pw][:, None]
    routed = pooled_grad[pv, :, pk][:, :, None] * rows[:, None, :]  # (P, T, 3)
    t = pooled_grad.shape[1]
    out = torch.zeros(v * w, t * 3, dtype=rows.dtype, device=rows.device)
    out.index_add_(0, pv * w + pw, routed.reshape(-1, t * 3))  # 4x index_put's speed here
    return out.view(v, w, t, 3).permute(0, 2, 3, 1)


@torch.no_grad()
def guided_winner_gradients(model: PointNet, pts: torch.Tensor, share: torch.Tensor,
                             pooled_grad: torch.Tensor) -> torch.Tensor:
    """(V, T, 3, W): guided backpropagation by hand, every target at once. Each ReLU passes back
    the positive part of its masked upstream gradient (captum's hook), batch norms scale it and
    convolutions transpose it; the pooled layer's upstream is non-zero only at the K routed
    (channel, point) pairs, so its rows are taken there only, as in ``winner_gradients``.
    ``share`` routes live channels only (``live_winners``), whose last ReLU passes."""
    blocks = _blocks(model)
    v, _, w = pts.shape
    t = pooled_grad.shape[1]
    gates, h = [], pts
    for block in blocks[:-1]:
        z = pre_activation(block, h)
        gates.append((z > 0).to(z.dtype))  # (V, C, W)
        h = torch.relu(z)
    pv, pk, pw = share.nonzero(as_tuple=True)  # share >= 0: relu(g share) = relu(g) share
    scale = _bn_scale(blocks[-1])
    below = torch.relu(pooled_grad[pv, :, pk]) * (share[pv, pk, pw] * scale[pk])[:, None]
    last = _weight(blocks[-1])  # (K, C)
    c = last.shape[1]
    up = torch.zeros(v * w, t * c, dtype=pts.dtype, device=pts.device)
    rows = pv * w + pw
    for s in range(0, len(rows), _PAIRS):  # the (pairs, T, C) products in cache: 2x faster
        pairs = slice(s, s + _PAIRS)
        up.index_add_(0, rows[pairs], (below[pairs, :, None] * last[pk[pairs]][:, None, :])
                      .view(-1, t * c))
    up = up.view(v, w, t, c)
    for block, gate in zip(reversed(blocks[:-1]), reversed(gates), strict=True):
        # relu(up gate) scale, as relu(up) (gate scale) in place: the gate is 0 or 1
        passed = up.clamp_(min=0).mul_(gate.transpose(1, 2)[:, :, None, :] * _bn_scale(block))
        up = split_rmatmul(passed, _weight(block))  # (V, W, T, C_in)
    return up.permute(0, 2, 3, 1)


def live_winners(views: Views) -> torch.Tensor:
    """(V, K, N) whether each point wins channel k's max-pool, for live channels only: where
    ``Views.winners`` is non-zero and the channel is live. A channel whose maximum is 0 is shut
    by its ReLU at every point: all its points tie as winners, yet none receives gradient
    through the ReLU. Leaving those ties out is exact, spares recomputing the last layer to
    find them, and with a few shut channels shrinks the points that need a backward pass to
    the live winners (the hook sample: 272 of 1024). Booleans, for the caller to gather and
    count: a third of ``Views.winners``' float passes."""
    top = torch.where(views.pooled > 0, views.pooled, torch.inf)  # a shut channel wins nowhere
    return views.acts == top[:, :, None]


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


def chain_of_blocks(model: PointNet) -> bool:
    """Whether every per-point block is a 1x1 convolution, a batch norm and a ReLU."""
    return all(isinstance(b, nn.Sequential) and len(b) == 3
               and isinstance(b[0], nn.Conv1d) and b[0].kernel_size == (1,)
               and isinstance(b[1], nn.BatchNorm1d) and isinstance(b[2], nn.ReLU)
               for b in _blocks(model))


@torch.no_grad()
def _forward_jacobian(model: PointNet, pts: torch.Tensor,
                      depth: int) -> tuple[torch.Tensor, torch.Tensor]:
    """d h / d x (V*W, 3, C) and h (V*W, C) after the first ``depth - 1`` blocks, points-major:
    each point's three columns are one contiguous row block, so gathering the routed points
    copies rows (channels-major, the gather strode through all of it: 2-3x slower here)."""
    v, _, w = pts.shape
    h = pts.transpose(1, 2).reshape(-1, 3)
    jac = torch.eye(3, dtype=pts.dtype, device=pts.device).expand(v * w, 3, 3)
    for block in _blocks(model)[:depth - 1]:
        weight, bias = folded(block)
        z = split_linear(h, weight, bias)  # (V*W, C)
        lin = split_linear(jac.reshape(-1, jac.shape[2]), weight).view(v * w, 3, -1)
        jac = lin * (z > 0)[:, None, :]
        h = z.relu_()
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
