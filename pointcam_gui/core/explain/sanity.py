"""Sanity checks for saliency maps (Adebayo et al., NeurIPS 2018): a map that explains the model
must change when the model's learned weights are replaced by random ones. The layers are
randomised in cascade from the top: the head, then the per-point layer that is pooled, then the
per-point layers below it one by one. The measure is the rank correlation between the trained
model's map of its predicted class and the randomised model's map of the same class.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from scipy.stats import spearmanr

from pointcam_gui.core.explain import explainer
from pointcam_gui.core.explain.base import Views
from pointcam_gui.core.model import PointNet

THRESHOLD = 0.5  # a class-discriminative method must fall below this at every stage
STAGES = ("head", "head + pooled layer", "head + top two per-point layers")


def randomised(model: PointNet, stage: int, seed: int = 0) -> PointNet:
    """A copy of ``model`` with its top ``stage`` + 1 blocks re-initialised (see STAGES)."""
    copy_ = copy.deepcopy(model)
    torch.manual_seed(seed)
    blocks = [copy_.head, copy_.cam_layer, *reversed(list(copy_.trunk)), copy_.stem]
    for block in blocks[:stage + 1]:
        for module in block.modules():
            reset = getattr(module, "reset_parameters", None)
            if callable(reset):
                reset()
    return copy_.eval()


def correlations(model: PointNet, method: str, parts: list[torch.Tensor],
                 seed: int = 0) -> np.ndarray:
    """(stages, parts) rank correlations of the predicted class's map, trained vs randomised;
    each part is one (1, 3, N) view."""
    out = np.full((len(STAGES), len(parts)), np.nan)
    trained = explainer(method, model)
    targets, before = [], []  # the trained model's, the same at every stage
    for x in parts:
        seen = Views.of(model, x)
        target = torch.zeros(1, seen.logits.shape[1], dtype=x.dtype)
        target[0, int(seen.logits.argmax())] = 1.0
        targets.append(target)
        before.append(trained.maps(seen, target)[0, 0].detach().cpu().numpy())
    for stage in range(len(STAGES)):
        other = randomised(model, stage, seed)
        method_other = explainer(method, other)
        for j, x in enumerate(parts):
            after = method_other.maps(Views.of(other, x), targets[j])[0, 0]
            after_np = after.detach().cpu().numpy()
            if np.ptp(before[j]) > 0 and np.ptp(after_np) > 0:
                out[stage, j] = spearmanr(before[j], after_np).statistic
    return out
