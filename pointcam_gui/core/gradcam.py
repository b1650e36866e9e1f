"""Grad-CAM for every class from one forward pass.

Grad-CAM (Selvaraju et al., 2017) weights each feature channel k by the mean over points of
d logit_c / d A_k, and the map is ReLU(sum_k w_k A_k). In PointNet, A (the ``cam_layer`` output,
(K, N)) reaches the logits only through a max-pool, so d logit_c / d A_k,n is the head's gradient
g_c,k at the pooled feature for the point that wins the max, and zero elsewhere. Its mean over the
N points is therefore g_c,k / N, whichever point wins (ties included). All C maps need only the
C x K Jacobian of the small head, obtained by one backward pass through the head alone:

    cams = ReLU(G @ A / N),  G = d logits / d pooled   (C x K)

This equals captum's ``LayerGradCam(model, model.cam_layer)`` for each target, at the cost of one
forward pass instead of C backward passes through the whole network.
"""

from __future__ import annotations

import torch

from pointcam_gui.core.model import PointNet


@torch.no_grad()
def activations(model: PointNet, x: torch.Tensor) -> torch.Tensor:
    """The ``cam_layer`` output (B, K, N): the forward pass, without a graph."""
    return model.features(x)


def head_jacobian(model: PointNet, pooled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (B, C) and their Jacobian w.r.t. the pooled feature (B, C, K), head only."""
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
    """Logits (B, C) and raw Grad-CAM maps (B, C, N) for every class; ``model`` in eval mode.

    Batch norm and dropout must act per sample (eval mode) for the head copies to be independent.
    """
    return maps_from_activations(model, activations(model, x))


def maps_from_activations(model: PointNet, acts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (B, C) and raw maps (B, C, N) from ``cam_layer`` activations (B, K, N)."""
    if model.training:
        raise RuntimeError("Grad-CAM needs the model in eval mode")
    logits, jac = head_jacobian(model, acts.amax(dim=2))
    raw = torch.relu(torch.bmm(jac, acts) / acts.shape[2])
    return logits, raw


def scale_by_max(raw: torch.Tensor) -> torch.Tensor:
    """Each map divided by its own max, so it spans [0, 1]; an all-zero map stays zero."""
    peak = raw.amax(dim=-1, keepdim=True)
    return torch.where(peak > 0, raw / peak.clamp_min(torch.finfo(raw.dtype).tiny),
                       torch.zeros_like(raw))
