"""Grad-CAM for every class from one forward pass.

Grad-CAM (Selvaraju et al., 2017) weights each feature channel k by the mean over points of
d logit_c / d A_k, and the map is ReLU(sum_k w_k A_k). In PointNet, A (the ``cam_layer`` output,
(K, N)) reaches the logits only through a max-pool, so d logit_c / d A_k,n is the head's gradient
g_c,k at the pooled feature for the point that wins the max, and zero elsewhere. Its mean over the
N points is therefore g_c,k / N, whichever point wins (ties included). All C maps need only the
C x K Jacobian of the small head, obtained from its weights and activation masks alone:

    cams = ReLU(G @ A / N),  G = d logits / d pooled   (C x K)

This equals captum's ``LayerGradCam(model, model.cam_layer)`` for each target, at the cost of one
forward pass instead of C backward passes through the whole network. The head Jacobian here is
what every method of ``core.explain`` builds on (``base.Views``); ``cams.GradCAM`` is this map as
one method among the others (with the stable analysis's shared weights), and
``all_class_gradcam`` runs it on a batch of separate point sets.
"""

from __future__ import annotations

import torch
from torch import nn

from pointcam_gui.core.model import PointNet


@torch.no_grad()
def activations(model: PointNet, x: torch.Tensor) -> torch.Tensor:
    """The ``cam_layer`` output (B, K, N): the forward pass, without a graph."""
    return model.point_features(x)


def head_jacobian(model: PointNet, pooled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (B, C) and their Jacobian w.r.t. the pooled feature (B, C, K), head only.

    In eval mode the head is a chain of Linear, BatchNorm1d (a fixed affine map), ReLU and
    Dropout (identity), so the Jacobian is a product of weight matrices and diagonal masks:
    one forward pass records the masks, then a few matmuls run backwards from the logits. This
    avoids autograd's fixed cost, which dominates on a head this small. Any other layer falls
    back to autograd.
    """
    layers = _flatten(model.head)
    if not all(isinstance(m, _ANALYTIC) for m in layers):
        return _head_jacobian_autograd(model, pooled)
    with torch.no_grad():
        h = pooled
        steps: list[tuple[nn.Module, torch.Tensor | None]] = []
        for m in layers:
            if isinstance(m, nn.Linear):
                steps.append((m, None))
                h = m(h)
            elif isinstance(m, nn.BatchNorm1d):
                assert m.running_var is not None
                scale = (m.weight if m.weight is not None else 1.0) / torch.sqrt(
                    m.running_var + m.eps)
                steps.append((m, torch.as_tensor(scale).expand(h.shape[1])))
                h = m(h)
            elif isinstance(m, nn.ReLU):
                steps.append((m, (h > 0).to(h.dtype)))
                h = torch.relu(h)
        jac: torch.Tensor | None = None  # (B, C, width) running d logits / d h
        for m, factor in reversed(steps):
            if isinstance(m, nn.Linear):
                w = m.weight.detach()
                jac = w.expand(h.shape[0], -1, -1) if jac is None else jac @ w
            else:
                assert jac is not None and factor is not None
                jac = jac * (factor if factor.dim() == 1 else factor[:, None, :])
        assert jac is not None
    return h, jac


_ANALYTIC = (nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Dropout)


def _flatten(module: nn.Module) -> list[nn.Module]:
    if isinstance(module, nn.Sequential):
        return [leaf for child in module for leaf in _flatten(child)]
    return [module]


def _head_jacobian_autograd(model: PointNet,
                            pooled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The general route: C copies of the pooled feature, one backward pass through the head."""
    b, k = pooled.shape
    c = model.config.num_classes
    probe = pooled.detach()[:, None, :].expand(b, c, k).reshape(b * c, k).clone()
    probe.requires_grad_(True)
    with torch.enable_grad():
        out = model.head(probe).view(b, c, c)
        # Row c of copy c is logit c: summing the diagonal gives each copy its own class's gradient.
        out.diagonal(dim1=1, dim2=2).sum().backward()
    assert probe.grad is not None
    return out[:, 0, :].detach(), probe.grad.view(b, c, k)


def all_class_gradcam(model: PointNet, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (B, C) and raw Grad-CAM maps (B, C, N) for every class, each of the B point sets
    explained on its own: ``cams.GradCAM`` without shared weights. ``model`` in eval mode (batch
    norm and dropout must act per sample for the head copies to be independent)."""
    from pointcam_gui.core.explain.base import Views  # base builds on this module
    from pointcam_gui.core.explain.cams import GradCAM

    method = GradCAM(model)  # refuses a model in training mode
    views = Views.of(model, x)
    return views.logits, method.maps(views, torch.eye(model.config.num_classes, device=x.device))


def scale_by_max(raw: torch.Tensor) -> torch.Tensor:
    """Each map divided by its own max, so it spans [0, 1]; an all-zero map stays zero."""
    peak = raw.amax(dim=-1, keepdim=True)
    return torch.where(peak > 0, raw / peak.clamp_min(torch.finfo(raw.dtype).tiny),
                       torch.zeros_like(raw))
