"""A tiny folder-per-class dataset of three shapes, four parts each, for the training tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import trimesh


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shapes")
    makers = {"box": lambda k: trimesh.creation.box((1, 2 + k, 3)),
              "ring": lambda k: trimesh.creation.torus(2 + k, 0.5),
              "rod": lambda k: trimesh.creation.cylinder(0.3, 4 + k)}
    for name, make in makers.items():
        (root / name).mkdir()
        for k in range(4):
            make(k).export(root / name / f"{name}{k}.ply")
    return root
