"""Distillation: training a model to answer as another one does (Hinton et al., 2015).

An ensemble (``pointcam merge``) names parts better than its members but costs what all of them
cost, in every analysis and every explanation. One model trained toward the ensemble's softened
answers as well as toward the labels (``pointcam train --teacher``) can keep much of that gain
at a single model's cost. The teacher sees the same augmented points as the model it teaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from pointcam_gui.core.checkpoint import load_checkpoint
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.model import PointNet

TEMPERATURE = 2.0  # softens both answers, so the teacher's second choices teach too


@dataclass(frozen=True)
class Teacher:
    model: PointNet  # in eval mode
    order: tuple[int, ...]  # the teacher's output row for each of the data's classes
    weight: float  # the distillation loss's share; the labels' loss keeps the rest

    @torch.no_grad()
    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C) the teacher's logits for points x (B, 3, N), in the data's class order."""
        return self.model(x).float()[:, list(self.order)]

    def blend(self, label_loss: torch.Tensor, student_logits: torch.Tensor,
              teacher_logits: torch.Tensor) -> torch.Tensor:
        """The training loss: the labels' and the teacher's, weighted."""
        return ((1.0 - self.weight) * label_loss
                + self.weight * distillation_loss(student_logits, teacher_logits))


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      temperature: float = TEMPERATURE) -> torch.Tensor:
    """KL(teacher || student) of the answers softened by ``temperature``, times its square
    (so that the gradients keep their size whatever the temperature)."""
    t = temperature
    return F.kl_div(F.log_softmax(student_logits / t, dim=1),
                    F.log_softmax(teacher_logits / t, dim=1),
                    reduction="batchmean", log_target=True) * t * t


def load_teacher(path: str | Path, class_names: Sequence[str], points: int,
                 normalization: str, weight: float, device: torch.device) -> Teacher:
    """The teacher in ``path``: it must know every class of the data and pose points as the
    training does."""
    if not 0.0 < weight <= 1.0:
        raise PointCAMError(f"--teacher-weight must be in (0, 1], got {weight}")
    model, meta = load_checkpoint(path)
    name = Path(path).name
    missing = [c for c in class_names if c not in meta.class_names]
    if missing:
        raise PointCAMError(f"{name}: the teacher does not know the class(es) "
                            f"{', '.join(missing)}")
    if meta.normalization != normalization or meta.num_points != points:
        raise PointCAMError(f"{name}: the teacher reads {meta.num_points} points posed by "
                            f"{meta.normalization}; this training uses {points} by "
                            f"{normalization}")
    order = tuple(meta.class_names.index(c) for c in class_names)
    return Teacher(model.to(device).eval(), order, weight)
