"""core must stay Qt-free: importing every core module loads neither Qt nor pyvista nor VTK."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pointcam_gui.core as core


def _core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, prefix="pointcam_gui.core."))


def test_every_core_module_imports_without_qt_pyvista_or_vtk() -> None:
    modules = _core_modules()
    assert "pointcam_gui.core.classifier" in modules and len(modules) >= 10
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "banned = ('PySide6', 'PyQt5', 'PyQt6', 'pyvista', 'pyvistaqt', 'vtk', 'vtkmodules')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(banned)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_loading_a_mesh_does_not_import_torch() -> None:
    script = ("import sys\nfrom pointcam_gui.core import load_mesh, SUPPORTED_SUFFIXES\n"
              "print('torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_listing_the_explanation_methods_does_not_import_torch() -> None:
    script = ("import sys\nfrom pointcam_gui.core.explain import CATALOGUE, method_info\n"
              "assert method_info('gradcam') is CATALOGUE['gradcam']\n"
              "print('torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_a_part_read_by_a_fast_reader_is_sampled_without_trimesh_scipy_or_torch() -> None:
    """``pointcam explain`` forks its reading child before importing those (a second saved);
    the child then needs none of them for an STL."""
    script = (
        "import sys\nimport pointcam_gui.cli\n"
        "from pointcam_gui.core.mesh_io import read_triangles\n"
        "from pointcam_gui.core.sampling import stable_views\n"
        "from pointcam_gui.resources import samples\n"
        "hook = next(p for p in samples() if p.name == 'hook.stl')\n"
        "part = read_triangles(hook, welded=False)\n"
        "stable_views(part, 256, 'pca_unit_sphere', 0)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'trimesh', 'scipy', 'torch'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_an_analysis_of_drawn_views_needs_neither_trimesh_nor_scipy() -> None:
    """What ``pointcam explain`` without a picture runs: the views drawn (in its child), then
    the analysis beside torch."""
    script = (
        "import sys\nfrom pointcam_gui.core import Classifier\n"
        "from pointcam_gui.core.prefetch import draw\n"
        "from pointcam_gui.resources import samples\n"
        "clf = Classifier.load(device='cpu')\n"
        "hook = next(p for p in samples() if p.name == 'hook.stl')\n"
        "analysis = clf.analyse(None, drawn=draw(hook, *clf.views_key()))\n"
        "assert analysis.predicted_name == 'Hook', analysis.predicted_name\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'trimesh', 'scipy'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
