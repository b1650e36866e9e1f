"""Tiny seeded models for tests: fast, no downloads, with batch-norm statistics warmed."""

from __future__ import annotations

from pathlib import Path

import torch

from pointcam_gui.core.checkpoint import ModelMetadata, save_checkpoint
from pointcam_gui.core.model import PointNet, PointNetConfig

TINY_CLASSES = ("Alpha part", "Beta part", "Beta bracket", "Gamma")


def tiny_model(seed: int = 0, **overrides: object) -> PointNet:
    torch.manual_seed(seed)
    params: dict[str, object] = {"num_classes": len(TINY_CLASSES), "num_points": 128,
                                 "widths": (16, 32, 64), "head": (32, 16)}
    params.update(overrides)
    model = PointNet(PointNetConfig(**params))  # type: ignore[arg-type]
    model.train()
    with torch.no_grad():  # give batch norm non-trivial running statistics
        for _ in range(3):
            model(torch.randn(8, 3, 128))
    return model.eval()


def write_tiny_weights(path: Path) -> Path:
    model = tiny_model()
    meta = ModelMetadata(class_names=TINY_CLASSES, num_points=128,
                         architecture=model.config.to_dict(),
                         provenance={"description": "tiny test model"})
    return save_checkpoint(path, model, meta)
