"""Train a PointNet on any folder-per-class dataset of meshes, reporting through a plain callback.

Every part is read once; each epoch samples fresh surface points, stretches the part per axis, poses
it in one of the frames its exact moments allow (as inference does), and jitters the points; parts
of no class (``outliers``), when given, are mixed into every batch with a uniform target.
Validation parts are sampled once. The best epoch's weights are saved as soon as they appear, so
Ctrl-C (or a crash) keeps them; the CSV log and the curves PNG are rewritten every epoch.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from pointcam_gui import __version__
from pointcam_gui.core.checkpoint import ModelMetadata, save_checkpoint
from pointcam_gui.core.device import resolve_device
from pointcam_gui.core.errors import DatasetError, PointCAMError
from pointcam_gui.core.model import PointNet, PointNetConfig
from pointcam_gui.core.sampling import NORMALIZATION, NORMALIZATIONS, SurfaceSampler
from pointcam_gui.core.training.augmentation import (
    Augmentation,
    EpochSets,
    point_sets,
    stratified_split,
)
from pointcam_gui.core.training.dataset import Skipped, check_readable, iter_meshes, scan_dataset
from pointcam_gui.core.training.log import EpochStats, log_paths, write_curves, write_log
from pointcam_gui.core.training.outliers import iter_outliers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 30
    points: int = 1024
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-4
    schedule: str = "cosine"  # or "step": x0.3 at 1/3 and 2/3 of the epochs
    seed: int = 0
    device: str = "auto"
    val_fraction: float = 0.15
    widths: tuple[int, ...] = (64, 128, 256)
    head: tuple[int, ...] = (256, 128)
    pool: str = "max"  # "avg" with head=() is the model CAM explains (`--head cam`)
    dropout: float = 0.3
    input_transform: bool = False
    feature_transform: bool = False
    label_smoothing: float = 0.1
    scale_range: tuple[float, float] = (0.8, 1.25)
    jitter: float = 0.01  # std of per-point noise, in unit-sphere units
    normalization: str = NORMALIZATION  # one of sampling.NORMALIZATIONS
    threads: int = 0  # torch CPU threads; 0: one per core
    workers: int = 0  # processes drawing the next epoch's point sets ahead; 0: drawn in turn
    outliers: str | None = None  # folder of parts of no class, trained toward a uniform answer
    outlier_weight: float = 0.5  # weight of their loss (Hendrycks et al. use 0.5)
    init: str | None = None  # weights to start from (fine-tuning); their architecture wins


@dataclass(frozen=True)
class TrainProgress:
    """``stage`` is "load" (parts read), "batch" (within an epoch) or "epoch" (one finished)."""

    stage: str
    done: int
    total: int
    epoch: int = 0
    stats: EpochStats | None = None


@dataclass(frozen=True)
class TrainResult:
    weights: Path | None  # None when interrupted before the first epoch finished
    log_csv: Path
    curves_png: Path
    history: list[EpochStats]
    best_epoch: int
    best_val_acc: float
    interrupted: bool
    seconds: float
    skipped: list[Skipped] = field(default_factory=list)


def _run_epoch(model: PointNet, x: np.ndarray, y: np.ndarray, config: TrainConfig,
               device: torch.device, opt: torch.optim.Optimizer | None,
               on_batch: Callable[[int, int], None] | None = None,
               x_other: np.ndarray | None = None) -> tuple[float, float]:
    """Mean cross-entropy (unsmoothed, so train and validation compare) and accuracy.

    ``x_other`` (training only) are parts of no class, shared out over the batches: their loss is
    the cross-entropy to the uniform distribution, weighted by ``config.outlier_weight``.
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
    for b, s in enumerate(starts, 1):
        n_cls = len(x[s:s + bs])
        xb = torch.from_numpy(np.concatenate([x[s:s + bs], others[b - 1]])).transpose(1, 2)
        xb = xb.to(device)
        yb = torch.from_numpy(y[s:s + bs]).to(device)
        with torch.set_grad_enabled(training):
            all_logits = model(xb)
            logits = all_logits[:n_cls]
            ce = F.cross_entropy(logits, yb)
            if opt is not None:
                loss = F.cross_entropy(logits, yb, label_smoothing=config.label_smoothing)
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


def start_from(weights: str | Path, class_names: Sequence[str], points: int,
               normalization: str = NORMALIZATION) -> tuple[PointNet, PointNetConfig, int]:
    """A model to fine-tune: ``weights``' architecture and layers, with an output layer for
    ``class_names``. A class the weights know by the same name keeps its output row (and bias);
    a new class starts from a fresh row. Returns the model, its config and how many classes were
    adopted. The weights' point normalization must be the one training uses."""
    from pointcam_gui.core.checkpoint import load_checkpoint

    base, meta = load_checkpoint(weights)
    if meta.normalization != normalization:
        raise PointCAMError(f"{Path(weights).name} poses points by {meta.normalization}, not "
                            f"{normalization}: train with --normalization {meta.normalization}")
    arch = replace(base.config, num_classes=len(class_names), num_points=points)
    model = PointNet(arch)
    output = f"head.{len(base.head) - 1}."  # the output layer: one row per class
    old = base.state_dict()
    model.load_state_dict({k: v for k, v in old.items() if not k.startswith(output)},
                          strict=False)
    old_w, old_b = old[output + "weight"], old[output + "bias"]
    new_w, new_b = model.state_dict()[output + "weight"], model.state_dict()[output + "bias"]
    rows = [(row, meta.class_names.index(name)) for row, name in enumerate(class_names)
            if name in meta.class_names]
    for row, src in rows:  # state_dict tensors share the parameters' storage
        new_w[row], new_b[row] = old_w[src], old_b[src]
    return model, arch, len(rows)


def _batch_progress(emit: Callable[[TrainProgress], None], epoch: int, done: int,
                    total: int) -> None:
    emit(TrainProgress("batch", done, total, epoch))


def train(data: str | Path, out: str | Path, config: TrainConfig | None = None, *,
          progress: Callable[[TrainProgress], None] | None = None,
          command: str | None = None) -> TrainResult:
    """Train on the dataset at ``data`` and save the best weights to ``out``."""
    cfg = config or TrainConfig()
    if cfg.normalization not in NORMALIZATIONS:
        raise PointCAMError(f"unknown normalization {cfg.normalization!r}: choose one of "
                           f"{', '.join(NORMALIZATIONS)}")
    if cfg.epochs < 1 or cfg.batch_size < 2 or cfg.points < 32 or cfg.workers < 0:
        raise PointCAMError("need epochs >= 1, batch size >= 2, points >= 32 and workers >= 0")
    emit = progress or (lambda _p: None)
    t_start = time.perf_counter()
    out = Path(out)
    log_csv, curves_png = log_paths(out)
    dataset = scan_dataset(data)
    skipped: list[Skipped] = []
    samplers, labels = [], []
    for label, _path, mesh in iter_meshes(dataset, skipped,
                                          lambda d, t: emit(TrainProgress("load", d, t))):
        samplers.append(SurfaceSampler(mesh))
        labels.append(label)
    check_readable(dataset, labels)
    other_samplers = ([SurfaceSampler(m) for _, m in iter_outliers(cfg.outliers)]
                      if cfg.outliers else [])
    y_all = np.array(labels, np.int64)
    split_ss, val_ss, epoch_ss = np.random.SeedSequence(cfg.seed).spawn(3)
    train_idx, val_idx = stratified_split(y_all, cfg.val_fraction, np.random.default_rng(split_ss))
    if len(train_idx) < 2:
        raise DatasetError(f"{dataset.root}: too few readable parts to train on")
    x_val = point_sets([samplers[i] for i in val_idx], cfg.points,
                       np.random.default_rng(val_ss), cfg.normalization)
    y_val, y_train = y_all[val_idx], y_all[train_idx]
    log.info("training on %d parts, validating on %d, %d classes", len(train_idx), len(val_idx),
             len(dataset.class_names))

    torch.manual_seed(cfg.seed)
    device = resolve_device(cfg.device)
    old_threads, threads = torch.get_num_threads(), cfg.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    if cfg.init:
        model, arch, adopted = start_from(cfg.init, dataset.class_names, cfg.points,
                                          cfg.normalization)
        model = model.to(device)
    else:
        arch = PointNetConfig(num_classes=len(dataset.class_names), num_points=cfg.points,
                              widths=cfg.widths, head=cfg.head, pool=cfg.pool,
                              dropout=cfg.dropout,
                              input_transform=cfg.input_transform,
                              feature_transform=cfg.feature_transform)
        model, adopted = PointNet(arch).to(device), 0
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched: torch.optim.lr_scheduler.LRScheduler = (
        torch.optim.lr_scheduler.CosineAnnealingLR(opt, cfg.epochs, eta_min=cfg.lr * 0.01)
        if cfg.schedule == "cosine" else torch.optim.lr_scheduler.MultiStepLR(
            opt, [max(1, cfg.epochs // 3), max(2, 2 * cfg.epochs // 3)], gamma=0.3))
    rng = np.random.default_rng(epoch_ss)
    history: list[EpochStats] = []
    best: tuple[float, float, int] = (-1.0, 0.0, 0)  # (val acc, -val loss, epoch)
    best_state: dict[str, torch.Tensor] | None = None
    interrupted = False

    def metadata(final: bool) -> ModelMetadata:
        provenance: dict[str, Any] = {
            "description": f"PointNet trained by PointCAM on {len(labels)} parts of "
                           f"{len(dataset.class_names)} classes",
            "command": command or "pointcam_gui.core.training.train", "seed": cfg.seed,
            "dataset": dataset.summary(), "train_parts": len(train_idx),
            "val_parts": len(val_idx), "skipped_parts": len(skipped), "epochs": cfg.epochs,
            "epochs_run": len(history), "best_epoch": best[2], "val_accuracy": best[0],
            "val_loss": -best[1], "training_time_s": round(time.perf_counter() - t_start, 1),
            "finished": final and not interrupted, "interrupted": interrupted,
            "device": str(device), "torch_threads": threads,
            "torch": torch.__version__, "pointcam": __version__,
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "augmentation": f"fresh area-weighted sampling each epoch; per-axis stretch "
                            f"{cfg.scale_range[0]}-{cfg.scale_range[1]}; a random frame of those "
                            f"the stretched part's exact moments allow; jitter {cfg.jitter}",
            "outlier_parts": len(other_samplers),
            **({"init": {"weights": Path(cfg.init).name, "classes_adopted": adopted}}
               if cfg.init else {}),
            "config": asdict(cfg)}
        return ModelMetadata(class_names=dataset.class_names, num_points=cfg.points,
                             architecture=arch.to_dict(), normalization=cfg.normalization,
                             provenance=provenance)

    aug = Augmentation(cfg.points, cfg.normalization, cfg.scale_range, cfg.jitter)
    epoch_seed = int(epoch_ss.generate_state(1)[0])
    train_sets = EpochSets([samplers[i] for i in train_idx], aug, epoch_seed, cfg.workers)
    other_sets = EpochSets(other_samplers, aug, epoch_seed + 1, cfg.workers)
    try:
        for epoch in range(1, cfg.epochs + 1):
            t0 = time.perf_counter()
            order = rng.permutation(len(train_idx))
            x_train = train_sets.get(epoch)[order]
            x_other = (other_sets.get(epoch)[rng.permutation(len(other_sets))]
                       if len(other_sets) else None)
            if epoch < cfg.epochs:  # the workers draw the next epoch while this one trains
                train_sets.ahead(epoch + 1)
                other_sets.ahead(epoch + 1)
            lr = opt.param_groups[0]["lr"]
            tr_loss, tr_acc = _run_epoch(model, x_train, y_train[order], cfg, device, opt,
                                         partial(_batch_progress, emit, epoch), x_other)
            sched.step()
            precise_batchnorm(model, x_train, cfg.batch_size, device)
            with torch.no_grad():
                va_loss, va_acc = (_run_epoch(model, x_val, y_val, cfg, device, None)
                                   if len(val_idx) else (tr_loss, tr_acc))
            stats = EpochStats(epoch, tr_loss, tr_acc, va_loss, va_acc, lr,
                               time.perf_counter() - t0)
            history.append(stats)
            if (va_acc, -va_loss) > best[:2]:
                best = (va_acc, -va_loss, epoch)
                best_state = copy.deepcopy(model.state_dict())
                save_checkpoint(out, model, metadata(final=False))
            write_log(log_csv, history)
            write_curves(curves_png, history, best[2])
            emit(TrainProgress("epoch", epoch, cfg.epochs, epoch, stats))
    except KeyboardInterrupt:
        interrupted = True
        log.warning("training interrupted after %d epoch(s)", len(history))
    finally:
        torch.set_num_threads(old_threads)
        train_sets.close()
        other_sets.close()
    if interrupted or not history:  # otherwise the last epoch already wrote them
        write_log(log_csv, history)
        write_curves(curves_png, history, best[2])
    if best_state is not None:  # the best weights again, now with the whole run's provenance
        model.load_state_dict(best_state)
        save_checkpoint(out, model, metadata(final=True))
    return TrainResult(out if best_state is not None else None, log_csv, curves_png, history,
                       best[2], max(best[0], 0.0), interrupted, time.perf_counter() - t_start,
                       skipped)
