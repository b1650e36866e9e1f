"""Distillation (``pointcam train --teacher``): the loss, the teacher's classes, the training."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from pointcam_gui.core.checkpoint import load_checkpoint
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.training.distill import distillation_loss, load_teacher
from pointcam_gui.core.training.train import TrainConfig, train

TINY = TrainConfig(epochs=2, points=64, batch_size=4, widths=(8, 16), head=(8,), seed=3,
                   device="cpu", val_fraction=0.25, threads=1)


def test_the_loss_is_zero_only_where_the_answers_agree_and_keeps_its_scale() -> None:
    teacher = torch.tensor([[2.0, 0.5, -1.0], [0.0, 3.0, 1.0]])
    assert float(distillation_loss(teacher, teacher)) == pytest.approx(0.0, abs=1e-6)
    assert float(distillation_loss(teacher.flip(1), teacher)) > 0.1
    # a shift of every logit changes no answer
    assert float(distillation_loss(teacher + 5.0, teacher)) == pytest.approx(0.0, abs=1e-6)
    # times T^2: the gradient keeps its size as the temperature grows (Hinton et al.)
    grads = []
    for t in (2.0, 8.0):
        student = torch.zeros(2, 3, requires_grad=True)
        distillation_loss(student, teacher, t).backward()
        assert student.grad is not None
        grads.append(float(student.grad.abs().sum()))
    assert 0.5 < grads[1] / grads[0] < 1.5


def test_a_teacher_answers_in_the_datas_class_order_and_must_know_every_class(
        shapes: Path, tmp_path: Path) -> None:
    result = train(shapes, tmp_path / "t.safetensors", replace(TINY, epochs=1))
    assert result.weights is not None
    model, _ = load_checkpoint(result.weights)
    x = torch.randn(2, 3, 64, generator=torch.Generator().manual_seed(0))
    own = model.eval()(x)
    teacher = load_teacher(result.weights, ("rod", "box"), 64, "pca_unit_sphere", 0.5,
                           torch.device("cpu"))
    torch.testing.assert_close(teacher.logits(x), own[:, [2, 0]])  # (box, ring, rod)
    with pytest.raises(PointCAMError, match=r"does not know the class.*cone"):
        load_teacher(result.weights, ("rod", "cone"), 64, "pca_unit_sphere", 0.5,
                     torch.device("cpu"))
    with pytest.raises(PointCAMError, match=r"reads 64 points.*uses 128"):
        load_teacher(result.weights, ("rod",), 128, "pca_unit_sphere", 0.5, torch.device("cpu"))
    with pytest.raises(PointCAMError, match="teacher-weight"):
        load_teacher(result.weights, ("rod",), 64, "pca_unit_sphere", 0.0, torch.device("cpu"))


def test_a_student_learns_its_teachers_answers(shapes: Path, tmp_path: Path) -> None:
    teacher = train(shapes, tmp_path / "teacher.safetensors", replace(TINY, epochs=3))
    assert teacher.weights is not None
    common = replace(TINY, epochs=3, widths=(8, 12), seed=5)
    alone = train(shapes, tmp_path / "alone.safetensors", common)
    taught = train(shapes, tmp_path / "taught.safetensors",
                   replace(common, teacher=str(teacher.weights), teacher_weight=1.0))
    assert alone.weights is not None and taught.weights is not None
    _, meta = load_checkpoint(taught.weights)
    assert meta.provenance["teacher"] == {"weights": "teacher.safetensors", "weight": 1.0,
                                          "temperature": 2.0}
    # the same seed and points: only the teacher differs, and the student's answers are nearer
    # the teacher's than those of the model trained on the labels alone
    models = {name: load_checkpoint(path)[0].eval() for name, path in
              {"teacher": teacher.weights, "alone": alone.weights,
               "taught": taught.weights}.items()}
    x = torch.randn(16, 3, 64, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = {name: m(x) for name, m in models.items()}
    gap = {name: float(distillation_loss(out[name], out["teacher"])) for name in ("alone",
                                                                                   "taught")}
    assert gap["taught"] < gap["alone"]
