"""Train a PointNet on any folder-per-class dataset of meshes, reporting through a plain callback.

Every part is read once; each epoch samples fresh surface points, stretches the part per axis, poses
it in one of the frames its exact moments allow (as inference does), and jitters the points; parts
of no class (``outliers``), when given, are mixed into every batch with a uniform target; a
``teacher``'s softened answers are taught beside the labels (``distill``). Validation parts are
sampled once. The best epoch's weights are saved as soon as they appear, so
Ctrl-C (or a crash) keeps them; the CSV log and the curves PNG are rewritten every epoch.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pointcam_gui import __version__
from pointcam_gui.core.checkpoint import ModelMetadata, save_checkpoint
from pointcam_gui.core.device import PRECISIONS, resolve_device
from pointcam_gui.core.errors import DatasetError, PointCAMError
from pointcam_gui.core.sampling import NORMALIZATION, NORMALIZATIONS, SurfaceSampler
from pointcam_gui.core.training.augmentation import (
    Augmentation,
    EpochSets,
    point_sets,
    stratified_split,
)
from pointcam_gui.core.training.dataset import Skipped, check_readable, iter_meshes, scan_dataset
from pointcam_gui.core.training.distill import TEMPERATURE, load_teacher
from pointcam_gui.core.training.epoch import precise_batchnorm, run_epoch
from pointcam_gui.core.training.finetune import initial_model
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
    precision: str = "float32"  # or "bfloat16": mixed precision (AMX CPUs, recent GPUs)
    teacher: str | None = None  # weights whose softened answers are taught too (distillation)
    teacher_weight: float = 0.5  # the teacher's share of the loss; the labels keep the rest


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
    if cfg.precision not in PRECISIONS:
        raise PointCAMError(f"unknown precision {cfg.precision!r}: choose one of "
                            f"{', '.join(PRECISIONS)}")
    if cfg.epochs < 1 or cfg.batch_size < 2 or cfg.points < 32 or cfg.workers < 0:
        raise PointCAMError("need epochs >= 1, batch size >= 2, points >= 32 and workers >= 0")
    emit = progress or (lambda _p: None)
    t_start = time.perf_counter()
    out = Path(out)
    log_csv, curves_png = log_paths(out)
    dataset = scan_dataset(data)
    device = resolve_device(cfg.device)
    # before the parts are read (a bad file fails at once) and before the seed (building the
    # teacher draws random numbers that the student's run must not miss)
    teacher = (load_teacher(cfg.teacher, dataset.class_names, cfg.points, cfg.normalization,
                            cfg.teacher_weight, device) if cfg.teacher else None)
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
    if (cfg.precision == "bfloat16" and device.type == "cuda"
            and not torch.cuda.is_bf16_supported()):
        raise PointCAMError(f"this GPU ({torch.cuda.get_device_name(device)}) cannot train in "
                            "bfloat16; train with --precision float32")
    old_threads, threads = torch.get_num_threads(), cfg.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    model, arch, adopted = initial_model(cfg, dataset.class_names)
    model = model.to(device)
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
            **({"teacher": {"weights": Path(cfg.teacher).name, "weight": cfg.teacher_weight,
                            "temperature": TEMPERATURE}} if cfg.teacher else {}),
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
            tr_loss, tr_acc = run_epoch(model, x_train, y_train[order], cfg, device, opt,
                                         partial(_batch_progress, emit, epoch), x_other,
                                         teacher)
            sched.step()
            precise_batchnorm(model, x_train, cfg.batch_size, device)
            with torch.no_grad():
                va_loss, va_acc = (run_epoch(model, x_val, y_val, cfg, device, None)
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
