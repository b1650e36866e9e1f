"""core must stay Qt-free: importing every core module loads neither Qt nor pyvista nor VTK. And
what a path needs, it alone imports: torch only for the model, trimesh and SciPy only for
pictures and the parsers that need them."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys

import pointcam_gui.core as core


def _core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, prefix="pointcam_gui.core."))


def _loaded(script: str, packages: set[str], timeout: int = 60) -> list[str]:
    """Which of ``packages`` a fresh interpreter has imported after running ``script``."""
    script += f"\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {packages!r}))\n"
    out = subprocess.run([sys.executable, "-c", "import sys\n" + script], capture_output=True,
                         text=True, check=True, timeout=timeout)
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_every_core_module_imports_without_qt_pyvista_or_vtk() -> None:
    modules = _core_modules()
    assert "pointcam_gui.core.classifier" in modules and len(modules) >= 10
    script = f"import importlib\nfor name in {modules!r}: importlib.import_module(name)"
    banned = {"PySide6", "PyQt5", "PyQt6", "pyvista", "pyvistaqt", "vtk", "vtkmodules"}
    assert _loaded(script, banned, timeout=120) == []


def test_loading_a_mesh_does_not_import_torch() -> None:
    script = ("from pointcam_gui.core import load_mesh, SUPPORTED_SUFFIXES\n"
              "from pointcam_gui.resources import samples\n"
              "load_mesh(next(p for p in samples() if p.name == 'hook.stl'))")
    assert _loaded(script, {"torch"}) == []


def test_listing_the_explanation_methods_does_not_import_torch() -> None:
    script = ("from pointcam_gui.core.explain import CATALOGUE, method_info\n"
              "assert method_info('gradcam') is CATALOGUE['gradcam']")
    assert _loaded(script, {"torch"}) == []


def test_a_part_read_by_a_fast_reader_is_sampled_without_trimesh_scipy_or_torch() -> None:
    """``pointcam explain`` forks its reading child before importing those (a second saved);
    the child then needs none of them for an STL."""
    script = ("import pointcam_gui.cli\n"
              "from pointcam_gui.core.mesh_io import read_triangles\n"
              "from pointcam_gui.core.sampling import stable_views\n"
              "from pointcam_gui.resources import samples\n"
              "hook = next(p for p in samples() if p.name == 'hook.stl')\n"
              "stable_views(read_triangles(hook, welded=False), 256, 'pca_unit_sphere', 0)")
    assert _loaded(script, {"trimesh", "scipy", "torch"}) == []


def test_an_analysis_of_drawn_views_needs_neither_trimesh_nor_scipy() -> None:
    """What ``pointcam explain`` without a picture runs: the views drawn (in its child), then
    the analysis beside torch."""
    script = ("from pointcam_gui.core import Classifier\n"
              "from pointcam_gui.core.prefetch import draw\n"
              "from pointcam_gui.resources import samples\n"
              "clf = Classifier.load(device='cpu')\n"
              "hook = next(p for p in samples() if p.name == 'hook.stl')\n"
              "analysis = clf.analyse(None, drawn=draw(hook, *clf.views_key()))\n"
              "assert analysis.predicted_name == 'Hook', analysis.predicted_name")
    assert _loaded(script, {"trimesh", "scipy"}, timeout=120) == []
