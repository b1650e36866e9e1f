"""Fit what makes a model's answers trustworthy, on parts of its classes it was not trained on:
the temperature of its probabilities and its novelty statistics and threshold.

``pointcam calibrate DATA --weights W`` runs this and writes the result into the weights file's
metadata and data arrays (atomically), so the viewer, the CLI and the API pick it up. The parts
are split in two halves by a seed: one gives the novelty statistics (class means, covariance,
feature bank), the other fits the temperature and places the threshold, so no part is scored
against statistics it helped to make.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pointcam_gui.core.calibration import (
    expected_calibration_error,
    fit_temperature,
    view_probabilities,
)
from pointcam_gui.core.checkpoint import ModelMetadata, save_checkpoint
from pointcam_gui.core.classifier import Classifier
from pointcam_gui.core.errors import DatasetError, PointCAMError
from pointcam_gui.core.novelty import METHODS, NoveltyModel, fit_arrays, view_scores
from pointcam_gui.core.training.dataset import Skipped, check_readable, iter_meshes, scan_dataset
from pointcam_gui.core.training.evaluation import match_classes

log = logging.getLogger(__name__)

DEFAULT_METHOD = "energy"  # the best AUROC on real parts (docs/benchmarks.md)
FLAG_RATE = 0.05  # share of held-out parts of the known classes the threshold may call unfamiliar
_NEEDS = {"mahalanobis": ("means", "precision"), "knn": ("bank",), "msp": (), "energy": ()}


@dataclass(frozen=True)
class ViewSet:
    """The stable analysis's raw outputs for every readable part of a dataset."""

    logits: list[np.ndarray]  # per part (V_i, C)
    features: list[np.ndarray]  # per part (V_i, K)
    labels: np.ndarray  # the model's class index per part
    files: list[Path]
    skipped: list[Skipped]


def collect_views(data: str | Path, classifier: Classifier, seed: int = 0,
                  progress: Callable[[int, int], None] | None = None) -> ViewSet:
    dataset = scan_dataset(data, min_classes=1)
    to_model = match_classes(dataset.class_names, classifier.class_names)
    logits: list[np.ndarray] = []
    features: list[np.ndarray] = []
    labels: list[int] = []
    files: list[Path] = []
    skipped: list[Skipped] = []
    for label, path, mesh in iter_meshes(dataset, skipped, progress):
        try:
            z, f = classifier.view_outputs(mesh, seed)
        except PointCAMError as exc:
            skipped.append(Skipped(path, str(exc)))
            continue
        logits.append(z)
        features.append(f)
        labels.append(to_model[label])
        files.append(path)
    check_readable(dataset, labels, min_classes=1)
    return ViewSet(logits, features, np.array(labels, np.int64), files, skipped)


@dataclass(frozen=True)
class TrustFit:
    temperature: float
    novelty: NoveltyModel
    calibration: dict[str, Any]
    parts: int


def fit_trust(views: ViewSet, num_classes: int, method: str = DEFAULT_METHOD,
              flag_rate: float = FLAG_RATE, seed: int = 0,
              temperature: float | None = None) -> TrustFit:
    """Temperature, novelty statistics and threshold from one set of known-class parts.

    A given ``temperature`` is kept instead of fitted (the novelty is still fitted).
    """
    if method not in METHODS:
        raise PointCAMError(f"unknown novelty method {method!r}; choose one of "
                            f"{', '.join(METHODS)}")
    n = len(views.labels)
    if n < 4:
        raise DatasetError(f"need at least 4 readable parts to calibrate, got {n}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    stats_idx, held_idx = np.sort(order[: n // 2]), np.sort(order[n // 2:])
    y = views.labels
    held_logits = [views.logits[i] for i in held_idx]
    fitted = temperature is None
    temperature = fit_temperature(held_logits, y[held_idx]) if temperature is None else temperature
    before = np.stack([view_probabilities(z) for z in held_logits])
    after = np.stack([view_probabilities(z, temperature) for z in held_logits])
    feats = np.concatenate([views.features[i] for i in stats_idx])
    view_labels = np.concatenate([np.full(len(views.features[i]), y[i]) for i in stats_idx])
    arrays = fit_arrays(feats, view_labels, num_classes, seed=seed)
    arrays = {k: v for k, v in arrays.items() if k in _NEEDS[method]}
    scores = np.array([np.mean(view_scores(method, views.logits[i], views.features[i], arrays,
                                           temperature)) for i in held_idx])
    threshold = float(np.quantile(scores, 1.0 - flag_rate))
    info = {"fitted_on": f"{len(stats_idx)} parts for the statistics, {len(held_idx)} held-out "
                         f"parts for the threshold (the {100 * (1 - flag_rate):.0f}th "
                         "percentile of their scores)",
            "flag_rate_target": flag_rate}
    novelty = NoveltyModel(method, threshold, temperature, arrays, 1, info)
    calibration = {"temperature": temperature,
                   "method": "temperature scaling, NLL of the view-averaged softmax" if fitted
                   else "temperature kept, not fitted", "parts": len(held_idx),
                   "ece_before": expected_calibration_error(before, y[held_idx]),
                   "ece_after": expected_calibration_error(after, y[held_idx])}
    return TrustFit(temperature, novelty, calibration, n)


def write_trust(weights: str | Path, out: str | Path, classifier: Classifier, fit: TrustFit,
                source: str) -> Path:
    """The weights of ``weights`` with ``fit`` in their metadata, saved to ``out`` atomically."""
    meta: ModelMetadata = classifier.metadata
    calibration = {**fit.calibration, "dataset": source}
    novelty = {**fit.novelty.to_metadata(), "dataset": source}
    new_meta = ModelMetadata(meta.class_names, meta.num_points, meta.architecture,
                             meta.normalization, meta.provenance, meta.format_version,
                             calibration, novelty)
    log.info("calibrated %s: T=%.3f, %s threshold %.4g", Path(weights).name, fit.temperature,
             fit.novelty.method, fit.novelty.threshold)
    return save_checkpoint(out, classifier.model.cpu(), new_meta, fit.novelty.arrays)
