"""Evaluation: counting answers into accuracy, per-class recall and a confusion matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import trimesh

from pointcam_gui.core.checkpoint import ModelMetadata
from pointcam_gui.core.classes import PART_CLASSES
from pointcam_gui.core.classifier import Classifier
from pointcam_gui.core.errors import DatasetError
from pointcam_gui.core.model import PointNet, PointNetConfig
from pointcam_gui.core.training.evaluation import (
    EvaluationReport,
    evaluate,
    match_classes,
    save_confusion_png,
)

NAMES = ("Box", "Ring", "Rod")


class Oracle(PointNet):
    """Names a part from its principal spreads: rods are long, rings flat, boxes neither."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        centred = x - x.mean(dim=2, keepdim=True)
        spread = torch.linalg.eigvalsh(centred @ centred.transpose(1, 2)).sqrt()  # ascending
        long = spread[:, 2] > 3 * spread[:, 1]
        flat = spread[:, 0] < 0.5 * spread[:, 1]
        label = torch.where(long, 2, torch.where(flat, 1, 0))
        return torch.nn.functional.one_hot(label, 3).float()


def classifier(model: PointNet | None = None) -> Classifier:
    torch.manual_seed(0)
    net = model or PointNet(PointNetConfig(num_classes=3, num_points=64, widths=(8, 16),
                                           head=(8,)))
    meta = ModelMetadata(class_names=NAMES, num_points=64, architecture=net.config.to_dict())
    return Classifier(net, meta, "cpu")


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    root = tmp_path / "shapes"
    makers = {"box": lambda k: trimesh.creation.box((1, 1.2, 1.4 + 0.1 * k)),
              "ring": lambda k: trimesh.creation.torus(2 + k, 0.3),
              "rod": lambda k: trimesh.creation.cylinder(0.2, 4 + k)}
    for name, make in makers.items():
        (root / name).mkdir(parents=True)
        for k in range(3):
            make(k).export(root / name / f"{name}{k}.stl")
    return root


def test_report_numbers_come_from_the_confusion_matrix() -> None:
    report = EvaluationReport(NAMES, np.array([[3, 1, 0], [0, 0, 0], [0, 2, 2]]))
    assert report.num_parts == 8
    assert report.accuracy == pytest.approx(5 / 8)
    assert report.per_class == {"Box": 0.75, "Rod": 0.5}  # no parts of Ring: no recall
    d = report.to_dict()
    assert {"accuracy", "ece", "per_class", "confusion", "class_names", "num_parts",
            "skipped"} <= set(d)
    assert d["confusion"][2] == [0, 2, 2]
    table = report.table()
    assert "62.50%" in table and "Ring" in table and "75.0%" in table


def test_oracle_gets_everything_right_even_in_random_orientations(shapes: Path) -> None:
    clf = classifier(Oracle(PointNetConfig(num_classes=3, num_points=64, widths=(8, 16))))
    for rotate in (False, True):
        report = evaluate(shapes, clf, rotate=rotate, seed=2)
        assert report.accuracy == 1.0
        assert np.array_equal(report.confusion, np.diag([3, 3, 3]))
        # always right, but one-hot logits give only e / (e + 2) confidence: under-confident
        assert report.ece == pytest.approx(1 - np.e / (np.e + 2), abs=1e-5)


def test_folders_match_model_classes_by_name_or_slug() -> None:
    assert match_classes(("hook", "ball_bearing", "t-shape FITTING"), PART_CLASSES) == [6, 7, 10]
    assert match_classes(("rod", "box"), NAMES) == [2, 0]
    with pytest.raises(DatasetError, match="'gearbox' is not a class"):
        match_classes(("box", "gearbox"), NAMES)


def test_unreadable_parts_are_reported_and_a_single_class_is_fine(shapes: Path) -> None:
    (shapes / "box" / "broken.stl").write_bytes(b"garbage")
    for other in ("ring", "rod"):
        for f in (shapes / other).iterdir():
            f.unlink()
        (shapes / other).rmdir()
    report = evaluate(shapes, classifier())
    assert report.num_parts == 3
    assert [s.path.name for s in report.skipped] == ["broken.stl"]
    assert report.to_dict()["skipped"][0]["file"].endswith("broken.stl")


def test_evaluation_is_deterministic_for_a_seed(shapes: Path) -> None:
    clf = classifier()
    a, b = (evaluate(shapes, clf, rotate=True, seed=5) for _ in range(2))
    assert np.array_equal(a.confusion, b.confusion)


def test_confusion_png_is_written(tmp_path: Path) -> None:
    report = EvaluationReport(PART_CLASSES, np.eye(12, dtype=np.int64) * 4)
    out = save_confusion_png(report, tmp_path / "c" / "confusion.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
