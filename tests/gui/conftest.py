"""GUI fixtures: a tiny seeded model, parts made in the test, and a window wired to them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.gui.settings import Settings

RESULT_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small random PointNet for the 12 part classes: fast, and deterministic by seed."""
    import torch

    from pointcam_gui.core.checkpoint import ModelMetadata, save_checkpoint
    from pointcam_gui.core.classes import PART_CLASSES
    from pointcam_gui.core.model import PointNet, PointNetConfig

    torch.manual_seed(0)
    config = PointNetConfig(num_points=256, widths=(16, 32, 64), head=(32,))
    path = tmp_path_factory.mktemp("model") / "tiny.safetensors"
    save_checkpoint(path, PointNet(config),
                    ModelMetadata(class_names=PART_CLASSES, num_points=256,
                                  architecture=config.to_dict(),
                                  provenance={"description": "random tiny test model"}))
    return path


@pytest.fixture(scope="session")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("parts")
    shapes = {"torus": trimesh.creation.torus(1.0, 0.3),
              "washer": trimesh.creation.annulus(0.5, 1.0, 0.3),
              "box": trimesh.creation.box((2.0, 1.0, 0.5))}
    paths = {}
    for name, mesh in shapes.items():
        paths[name] = folder / f"{name}.stl"
        mesh.export(paths[name])
    bad = folder / "broken.stl"
    bad.write_bytes(b"solid nothing\nthis is not an stl file\n" + bytes(range(256)))
    paths["broken"] = bad
    return paths


@pytest.fixture(scope="module")
def window(qapp, tiny_weights: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """One window per test module (a window with its worker and GL context is slow to make);
    every test opens its own part first, so no test depends on another's state."""
    win = MainWindow(settings=Settings(), weights=tiny_weights, device="cpu")
    win.show()
    yield win
    win.close()


def open_and_wait(qtbot, window: MainWindow, path: Path):  # type: ignore[no-untyped-def]
    """Open through the window's own entry point and return the shown AnalysisResult, computed
    afresh (tests patch the pipeline, so the worker's cache of recent analyses is dropped)."""
    window.service.forget()
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        window.open_path(path)
    return blocker.args[0]


def heat_pixels(rgb: np.ndarray) -> tuple[int, int]:
    """How many pixels are clearly red-ish and clearly blue-ish (the ends of the jet map)."""
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    red = int(((r > 170) & (g < 110) & (b < 90)).sum())
    blue = int(((b > 150) & (r < 70) & (g < 140)).sum())
    return red, blue
