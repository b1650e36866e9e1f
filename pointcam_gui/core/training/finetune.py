"""The model a training starts from: a fresh one, or another model's weights with an output
layer for the new classes (fine-tuning)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pointcam_gui.core.checkpoint import load_checkpoint
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.model import PointNet, PointNetConfig
from pointcam_gui.core.sampling import NORMALIZATION

if TYPE_CHECKING:
    from pointcam_gui.core.training.train import TrainConfig


def initial_model(cfg: TrainConfig, class_names: Sequence[str]
                  ) -> tuple[PointNet, PointNetConfig, int]:
    """The model ``cfg`` starts from, its config and how many classes it adopted: ``cfg.init``'s
    weights (``start_from``), or a fresh PointNet of ``cfg``'s architecture."""
    if cfg.init:
        return start_from(cfg.init, class_names, cfg.points, cfg.normalization)
    arch = PointNetConfig(num_classes=len(class_names), num_points=cfg.points,
                          widths=cfg.widths, head=cfg.head, pool=cfg.pool, dropout=cfg.dropout,
                          input_transform=cfg.input_transform,
                          feature_transform=cfg.feature_transform)
    return PointNet(arch), arch, 0


def start_from(weights: str | Path, class_names: Sequence[str], points: int,
               normalization: str = NORMALIZATION) -> tuple[PointNet, PointNetConfig, int]:
    """A model to fine-tune: ``weights``' architecture and layers, with an output layer for
    ``class_names``. A class the weights know by the same name keeps its output row (and bias);
    a new class starts from a fresh row. Returns the model, its config and how many classes were
    adopted. The weights' point normalization must be the one training uses."""
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
