"""One pass of training or validation over point sets, and the batch-norm statistics after it.

``run_epoch`` is the loss and the optimiser step ``train`` repeats (parts of no class, when given,
trained toward a uniform answer); ``precise_batchnorm`` re-estimates the norms' statistics for
the weights an epoch ends with.

With ``precision="bfloat16"`` the training forward pass runs under autocast (mixed precision:
the weights, the losses and the optimiser stay float32); validation and the norms' statistics
run in float32, as inference does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from pointcam_gui.core.model import PointNet

if TYPE_CHECKING:
    from pointcam_gui.core.training.distill import Teacher
    from pointcam_gui.core.training.train import TrainConfig


def run_epoch(model: PointNet, x: np.ndarray, y: np.ndarray, config: TrainConfig,
               device: torch.device, opt: torch.optim.Optimizer | None,
               on_batch: Callable[[int, int], None] | None = None,
               x_other: np.ndarray | None = None,
               teacher: Teacher | None = None) -> tuple[float, float]:
    """Mean cross-entropy (unsmoothed, so train and validation compare) and accuracy.

    ``x_other`` (training only) are parts of no class, shared out over the batches: their loss is
    the cross-entropy to the uniform distribution, weighted by ``config.outlier_weight``.
    ``teacher`` (training only): every batch, parts of no class included, is also taught the
    teacher's softened answers (``distill``).
    """
    training = opt is not None
    model.train(training)
    bs = config.batch_size if training else 2 * config.batch_size
    starts = list(range(0, len(x), bs))
    if training and len(starts) > 1 and len(x) - starts[-1] < 2:
        starts.pop()  # BatchNorm cannot train on a batch of one; shuffling brings it back later
    others = (np.array_split(x_other, len(starts)) if training and x_other is not None
              and len(x_other) else [np.empty((0, *x.shape[1:]), np.float32)] * len(starts))
    loss_sum = correct = seen = 0.0
    mixed = training and config.precision == "bfloat16"
    for b, s in enumerate(starts, 1):
        n_cls = len(x[s:s + bs])
        xb = torch.from_numpy(np.concatenate([x[s:s + bs], others[b - 1]])).transpose(1, 2)
        xb = xb.to(device)
        yb = torch.from_numpy(y[s:s + bs]).to(device)
        with torch.set_grad_enabled(training):
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=mixed):
                all_logits = model(xb).float()
            logits = all_logits[:n_cls]
            ce = F.cross_entropy(logits, yb)
            if opt is not None:
                loss = F.cross_entropy(logits, yb, label_smoothing=config.label_smoothing)
                if teacher is not None:
                    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=mixed):
                        taught = teacher.logits(xb)
                    loss = teacher.blend(loss, all_logits, taught)
                if len(all_logits) > n_cls:
                    uniform = -F.log_softmax(all_logits[n_cls:], dim=1).mean(dim=1).mean()
                    loss = loss + config.outlier_weight * uniform
                loss = loss + 1e-3 * model.transform_regularizer()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        loss_sum += float(ce.detach()) * len(yb)
        correct += float((logits.argmax(1) == yb).sum())
        seen += len(yb)
        if on_batch is not None:
            on_batch(b, len(starts))
    return loss_sum / max(seen, 1), correct / max(seen, 1)


@torch.no_grad()
def precise_batchnorm(model: PointNet, x: np.ndarray, batch_size: int, device: torch.device,
                      max_batches: int = 8) -> None:
    """Re-estimate batch-norm statistics for the current weights ("precise BN").

    Running averages lag behind weights that are still moving; with few batches per epoch the
    model then answers one class in eval mode. An exact average over a few batches costs little.
    """
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms or len(x) < 2:
        return
    momenta = [bn.momentum for bn in norms]
    model.eval()  # dropout off; only the norms gather statistics
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None  # None: a plain average over all batches seen
        bn.train()
    for s in range(0, min(len(x), max_batches * batch_size), batch_size):
        if len(x[s:s + batch_size]) > 1:
            model(torch.from_numpy(x[s:s + batch_size]).transpose(1, 2).to(device))
    for bn, momentum in zip(norms, momenta, strict=True):
        bn.momentum = momentum
    model.eval()
