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
        # Each noisy copy's gradient at A is its target Jacobian J_s at its winners M_s, so the
        # moments of the gradient are sums over copies of J_s^p (T, K) times M_s^p (K, N): one
        # batched product per view and power, never a (copies, T, K, N) array.
        jacs, wins = [], []
        for e in eps:
            noisy = Views.of(self.model, views.x + e)
            jacs.append(noisy.target_jacobian(targets))
            wins.append(noisy.winners())
        jac, won = torch.stack(jacs, dim=1), torch.stack(wins, dim=1)  # (V, S, T, K), (V, S, K, N)
        totals = views.acts.sum(dim=2)  # (V, K)
        w = torch.empty(jac.shape[0], jac.shape[2], jac.shape[3], dtype=jac.dtype,
                        device=jac.device)
        for v in range(jac.shape[0]):
            d1, d2, d3 = (torch.einsum("stk,skn->tkn", jac[v] ** p, won[v] ** p) / len(eps)
                          for p in (1, 2, 3))
            third = d3 * totals[v][None, :, None]
            alpha = torch.where(d2 > 0, d2 / (2 * d2 + third + _EPS), torch.zeros_like(d2))
            w[v] = (alpha * torch.relu(d1)).sum(dim=2)
        return weighted_maps(views, w, shared)


class FeatureNorm(Explainer):
    info = CATALOGUE["feature-norm"]

    def maps(self, views: Views, targets: torch.Tensor, shared: bool = False) -> torch.Tensor:
        norm = torch.linalg.vector_norm(views.acts, dim=1)
        return norm[:, None, :].expand(-1, len(targets), -1)
