"""How well a model names the parts of a folder-per-class dataset: accuracy, per class, confusion,
and how well its probabilities are calibrated (ECE).

Dataset folders are matched to the model's classes by name (case-insensitive) or slug, so a
generated dataset (folders named ``hook``, ``wheel``...) and a user's own library both work. Parts
go through exactly the stable analysis ``pointcam explain`` runs (every view, tempered
probabilities); ``rotate`` first turns each part into a random orientation (seeded).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pointcam_gui.core.calibration import expected_calibration_error, view_probabilities
from pointcam_gui.core.classes import SLUGS
from pointcam_gui.core.classifier import Classifier
from pointcam_gui.core.errors import DatasetError, PointCAMError
from pointcam_gui.core.training.augmentation import random_rotations
from pointcam_gui.core.training.dataset import Skipped, check_readable, iter_meshes, scan_dataset

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvaluationReport:
    class_names: tuple[str, ...]  # the model's, in its order
    confusion: np.ndarray  # (C, C) counts; rows: true class, columns: predicted
    skipped: tuple[Skipped, ...] = ()
    ece: float = float("nan")  # expected calibration error, 10 bins

    @property
    def num_parts(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion)) / max(self.num_parts, 1)

    @property
    def per_class(self) -> dict[str, float]:
        """Recall of every class that has parts in the dataset."""
        rows = self.confusion.sum(axis=1)
        return {n: float(self.confusion[i, i]) / rows[i]
                for i, n in enumerate(self.class_names) if rows[i]}

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": self.accuracy, "ece": self.ece, "per_class": self.per_class,
                "confusion": self.confusion.tolist(), "class_names": list(self.class_names),
                "num_parts": self.num_parts,
                "skipped": [{"file": str(s.path), "reason": s.reason} for s in self.skipped]}

    def table(self) -> str:
        """Accuracy, a per-class table and the confusion matrix as plain text."""
        c, rows = self.confusion, self.confusion.sum(axis=1)
        width = max(len(n) for n in self.class_names)
        lines = [f"accuracy {100 * self.accuracy:.2f}% ({int(np.trace(c))}/{self.num_parts} "
                 f"parts{f', {len(self.skipped)} skipped' if self.skipped else ''}), "
                 f"calibration error (ECE, 10 bins) {self.ece:.3f}", "",
                 f"{'#':>3}  {'class':<{width}}  {'parts':>5}  {'accuracy':>8}"]
        for i, name in enumerate(self.class_names):
            acc = f"{100 * c[i, i] / rows[i]:7.1f}%" if rows[i] else f"{'-':>8}"
            lines.append(f"{i:>3}  {name:<{width}}  {rows[i]:>5}  {acc}")
        cell = max(3, len(str(int(c.max(initial=0)))) + 1)
        lines += ["", "confusion (rows: true class #, columns: predicted class #)",
                  "     " + "".join(f"{j:>{cell}}" for j in range(len(c)))]
        lines += [f"{i:>3}  " + "".join(f"{v if v else '.':>{cell}}" for v in c[i])
                  for i in range(len(c))]
        return "\n".join(lines)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_")


def match_classes(dataset_names: tuple[str, ...], model_names: tuple[str, ...]) -> list[int]:
    """The model's index for each dataset class, by name or slug; DatasetError for strangers."""
    lookup: dict[str, int] = {}
    for i, name in enumerate(model_names):
        for alias in (name, SLUGS.get(name, "")):
            if alias:
                lookup.setdefault(_key(alias), i)
    unknown = [n for n in dataset_names if _key(n) not in lookup]
    if unknown:
        raise DatasetError(f"dataset class {unknown[0]!r} is not a class of this model "
                           f"(see `pointcam classes`)")
    return [lookup[_key(n)] for n in dataset_names]


def evaluate(data: str | Path, classifier: Classifier, *, seed: int = 0, rotate: bool = False,
             progress: Callable[[int, int], None] | None = None) -> EvaluationReport:
    """Classify every readable part of ``data`` and count the answers."""
    dataset = scan_dataset(data, min_classes=1)
    to_model = match_classes(dataset.class_names, classifier.class_names)
    n_classes = len(classifier.class_names)
    confusion = np.zeros((n_classes, n_classes), np.int64)
    rng = np.random.default_rng(seed)
    skipped: list[Skipped] = []
    probabilities: list[np.ndarray] = []
    truth: list[int] = []
    for label, path, mesh in iter_meshes(dataset, skipped, progress):
        if rotate:
            turn = np.eye(4)
            turn[:3, :3] = random_rotations(1, rng)[0]
            mesh.apply_transform(turn)
        try:
            logits, _ = classifier.view_outputs(mesh, seed, features=False)
        except PointCAMError as exc:
            skipped.append(Skipped(path, str(exc)))
            continue
        probabilities.append(view_probabilities(logits, classifier.temperature))
        truth.append(to_model[label])
    check_readable(dataset, truth, min_classes=1)
    p, y = np.stack(probabilities), np.array(truth)
    np.add.at(confusion, (y, p.argmax(axis=1)), 1)
    return EvaluationReport(classifier.class_names, confusion, tuple(skipped),
                            expected_calibration_error(p, y))


def save_confusion_png(report: EvaluationReport, path: str | Path) -> Path:
    """The confusion matrix with class names, each row shaded by its share of the true class."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    c = report.confusion
    n = len(c)
    rows = np.maximum(c.sum(axis=1, keepdims=True), 1)
    labels = [name if len(name) <= 28 else name[:27] + "…" for name in report.class_names]
    size = 2.5 + 0.55 * n
    fig = Figure(figsize=(size + 1.5, size), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    image = ax.imshow(c / rows, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if c[i, j]:
                ax.text(j, i, str(c[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if c[i, j] / rows[i, 0] > 0.5 else "black")
    ax.set_xticks(range(n), labels, rotation=45, ha="right", rotation_mode="anchor", fontsize=8)
    ax.set_yticks(range(n), labels, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"Confusion matrix: accuracy {100 * report.accuracy:.1f}% "
                 f"on {report.num_parts} parts")
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the true class")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, bbox_inches="tight", pad_inches=0.15)
    return out
