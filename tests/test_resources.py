"""Shipped resources are found in a source checkout and travel inside a built wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pointcam_gui import resources

ROOT = Path(__file__).resolve().parents[1]


def test_resources_are_found_from_the_source_tree() -> None:
    assert resources.model_path().is_file()
    assert resources.resources_dir() == ROOT / "resources"


def test_samples_are_the_part_files_sorted_by_name() -> None:
    names = [p.name for p in resources.samples()]
    assert names == sorted(names)
    assert all(p.suffix == ".stl" for p in resources.samples())


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs the source tree")
def test_built_wheel_carries_models_samples_and_icons(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("pointcam-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT / "resources").as_posix()
               for p in (ROOT / "resources").rglob("*") if p.is_file()}
    assert "models/pointnet_parts12.safetensors" in shipped
    missing = {s for s in shipped if f"pointcam_gui/_resources/{s}" not in names}
    assert not missing
    assert "pointcam_gui/core/classifier.py" in names
    assert not any(n.startswith(("tests/", "resources/")) for n in names)


def test_wheel_layout_is_preferred_when_present(tmp_path: Path, monkeypatch) -> None:
    packaged = tmp_path / "_resources"
    (packaged / "models").mkdir(parents=True)
    monkeypatch.setattr(resources, "_CANDIDATES", (packaged, ROOT / "resources"))
    assert resources.resources_dir() == packaged
