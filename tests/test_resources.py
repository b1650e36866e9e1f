"""Shipped resources are found in a source checkout and travel inside a built wheel."""

from __future__ import annotations

import json
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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("needs the source tree")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("pointcam-*.whl"))


def test_built_wheel_carries_models_samples_and_icons(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT / "resources").as_posix()
               for p in (ROOT / "resources").rglob("*") if p.is_file()}
    assert "models/pointnet_parts12.safetensors" in shipped
    missing = {s for s in shipped if f"pointcam_gui/_resources/{s}" not in names}
    assert not missing
    assert "pointcam_gui/core/classifier.py" in names
    assert not any(n.startswith(("tests/", "resources/")) for n in names)


def test_installed_wheel_explains_a_sample_on_its_own(wheel: Path, tmp_path: Path) -> None:
    """The wheel installed into a fresh environment (its dependencies borrowed from this one,
    behind it on the path) runs `pointcam explain` with its own code and resources."""
    import sysconfig
    import venv

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True,
                   timeout=300)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                "get_paths()['purelib'])"], check=True, capture_output=True,
                               text=True).stdout.strip())
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    sample = tmp_path / "part.stl"
    sample.write_bytes((ROOT / "resources" / "samples" / "hook.stl").read_bytes())
    where = subprocess.run([str(python), "-c", "import pointcam_gui, pointcam_gui.resources as r;"
                            " print(pointcam_gui.__file__); print(r.model_path())"],
                           check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    assert str(ROOT) not in where and str(env_dir) in where
    result = subprocess.run([str(env_dir / "bin" / "pointcam"), "explain", str(sample), "--json"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["predicted"]["name"] == "Hook"


def test_wheel_layout_is_preferred_when_present(tmp_path: Path, monkeypatch) -> None:
    packaged = tmp_path / "_resources"
    (packaged / "models").mkdir(parents=True)
    monkeypatch.setattr(resources, "_CANDIDATES", (packaged, ROOT / "resources"))
    assert resources.resources_dir() == packaged
