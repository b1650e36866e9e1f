"""Activation maps: Grad-CAM and its successors on the max-pooled per-point features.

In PointNet the features A (K, N) reach the logits through a max-pool, so the gradient of a target
score at A_k,n is the head's gradient g_k at the pooled feature where point n wins channel k, and
0 elsewhere (ties share it). Every formula below is the published one with that gradient put in,
which is why no method here needs a backward pass through the per-point layers.
"""

from __future__ import annotations

import torch

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.base import Explainer, Views, WeightedCAM, weighted_maps
from pointcam_gui.core.explain.catalogue import CATALOGUE
from pointcam_gui.core.model import PointNet

_EPS = 1e-8


class CAM(WeightedCAM):
    """Zhou et al.: with global average pooling into a linear layer W, a class score is
    mean_n(W_c . A_n) + b_c, so W_c . A_n is point n's exact share. The head's Jacobian is W
    itself. Refuses any other model (``MethodInfo.unavailable`` says why)."""

    info = CATALOGUE["cam"]

    def __init__(self, model: PointNet) -> None:
        super().__init__(model)
        reason = self.info.unavailable(model.config.to_dict())
        if reason:
            raise PointCAMError(reason)

    def weights(self, views: Views, tj: torch.Tensor) -> torch.Tensor:
        return tj


class GradCAM(WeightedCAM):
    info = CATALOGUE["gradcam"]

    def weights(self, views: Views, tj: torch.Tensor) -> torch.Tensor:
        return tj / views.acts.shape[2]


class GradCAMpp(WeightedCAM):
    info = CATALOGUE["gradcam++"]

    def weights(self, views: Views, tj: torch.Tensor) -> torch.Tensor:
        return _gradcampp_weights(views, tj)


def _gradcampp_weights(views: Views, tj: torch.Tensor) -> torch.Tensor:
    """The paper's w = sum_n alpha_n ReLU(g_n), alpha_n = g_n^2 / (2 g_n^2 + g_n^3 sum_m A_m)
    (as pytorch-grad-cam has it), with g nonzero only at the c points that receive each
    channel's gradient (its tied winners, or all N under average pooling), where it is g_k / c."""
    ties = views.receivers().to(tj.dtype)[:, None, :]
    total = views.acts.sum(dim=2)[:, None, :]
    g = tj / ties
    g2 = g * g
    alpha = torch.where(g2 > 0, g2 / (2 * g2 + g2 * g * total + _EPS), torch.zeros_like(g2))
    return ties * alpha * torch.relu(g)


class XGradCAM(WeightedCAM):
    info = CATALOGUE["xgradcam"]

    def weights(self, views: Views, tj: torch.Tensor) -> torch.Tensor:
        acts = views.acts
        return tj * (views.pooled / (acts.sum(dim=2) + _EPS))[:, None, :]


class LayerCAM(Explainer):
    info = CATALOGUE["layercam"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        won = views.winners() * views.acts
        return torch.relu(torch.bmm(torch.relu(views.target_jacobian(targets)), won))


class HiResCAM(Explainer):
    info = CATALOGUE["hirescam"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        won = views.winners() * views.acts
        return torch.relu(torch.bmm(views.target_jacobian(targets), won))


class SmoothGradCAMpp(Explainer):
    """Grad-CAM++ with the gradient moments averaged over noisy copies of the points; the maps
    combine the clean activations. The noise is drawn from a fixed seed: deterministic."""

    info = CATALOGUE["smooth-gradcam++"]
    SAMPLES, STD, SEED = int(info.parameter("samples")), float(info.parameter("std")), 0

    def noise(self, x: torch.Tensor) -> torch.Tensor:
        """(S, V, 3, N) the noise added to each view, from the fixed seed."""
        gen = torch.Generator().manual_seed(self.SEED)
        return torch.randn((self.SAMPLES, *x.shape), generator=gen).mul_(self.STD).to(x)

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False,
             noise: torch.Tensor | None = None) -> torch.Tensor:
        eps = self.noise(views.x) if noise is None else noise
        s_, v = eps.shape[0], views.x.shape[0]
        noisy = Views.of(self.model, (views.x[None] + eps).reshape(-1, *views.x.shape[1:]))
        jac = noisy.target_jacobian(targets).view(s_, v, len(targets), -1)  # (S, V, T, K)
        return weighted_maps(views, smooth_weights(noisy, jac, views.acts.sum(dim=2)), shared)


def smooth_weights(noisy: Views, jac: torch.Tensor, totals: torch.Tensor) -> torch.Tensor:
    """(V, T, K) Smooth Grad-CAM++ channel weights from S noisy copies of V views (``noisy``,
    copy-major), their target Jacobians jac (S, V, T, K) and the clean views' channel sums
    totals (V, K). Channels with one winner in every copy take the sparse route; channels
    where points tie (a channel shut everywhere ties all its points at zero) or every point
    receives (average pooling) take the dense one."""
    s_, v, _, k = jac.shape
    dense = torch.ones(k, dtype=torch.bool, device=jac.device)
    if noisy.pool == "max":
        dense = (noisy.receivers().view(s_, v, k) > 1).any(dim=1).any(dim=0)
    w = torch.zeros(v, jac.shape[2], k, dtype=jac.dtype, device=jac.device)
    if not bool(dense.all()):
        w = _moments_at_winners(jac, noisy.acts.argmax(dim=2).view(s_, v, k), totals)
    if bool(dense.any()):
        won = noisy.winners()[:, dense].view(s_, v, -1, noisy.acts.shape[2])
        w[..., dense] = _moments_dense(jac[..., dense], won, totals[:, dense])
    return w


def _alpha_weights(d1: torch.Tensor, d2: torch.Tensor, d3: torch.Tensor,
                   totals: torch.Tensor) -> torch.Tensor:
    """Grad-CAM++'s alpha * ReLU(d1) from the gradient moments d1, d2, d3 (..., K, M) at M
    points, totals (..., K, 1) the channel's sum of activations."""
    alpha = torch.where(d2 > 0, d2 / (2 * d2 + d3 * totals + _EPS), torch.zeros_like(d2))
    return alpha * torch.relu(d1)


def _moments_at_winners(jac: torch.Tensor, winner: torch.Tensor,
                        totals: torch.Tensor) -> torch.Tensor:
    """(V, T, K) weights when every copy's channel has one winner: a copy's gradient at A is
    J_s at winner_s only, so the moments live on the <= S winning points of each channel; a
    point that wins in several copies sums their powers and is counted once."""
    s_ = jac.shape[0]
    idx = winner.permute(1, 0, 2)  # (V, S, K)
    same = (idx[:, :, None, :] == idx[:, None, :, :]).to(jac.dtype)  # (V, S, S', K)
    d1, d2, d3 = (torch.einsum("vabk,bvtk->vtka", same, jac ** p) / s_ for p in (1, 2, 3))
    once = 1.0 / same.sum(dim=2).permute(0, 2, 1)[:, None]  # (V, 1, K, S)
    return (_alpha_weights(d1, d2, d3, totals[:, None, :, None]) * once).sum(dim=3)


def _moments_dense(jac: torch.Tensor, won: torch.Tensor, totals: torch.Tensor) -> torch.Tensor:
    """(V, T, K) weights in general (ties, average pooling): the moments of the gradient are
    sums over copies of J_s^p (T, K) times the copy's receivers M_s^p (K, N), one batched
    product per view and power, never a (copies, T, K, N) array."""
    s_, v = jac.shape[:2]
    w = torch.empty(v, jac.shape[2], jac.shape[3], dtype=jac.dtype, device=jac.device)
    for i in range(v):
        d1, d2, d3 = (torch.einsum("stk,skn->tkn", jac[:, i] ** p, won[:, i] ** p) / s_
                      for p in (1, 2, 3))
        w[i] = _alpha_weights(d1, d2, d3, totals[i][None, :, None]).sum(dim=2)
    return w


class FeatureNorm(Explainer):
    info = CATALOGUE["feature-norm"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        norm = torch.linalg.vector_norm(views.acts, dim=1)
        return norm[:, None, :].expand(-1, len(targets), -1)
