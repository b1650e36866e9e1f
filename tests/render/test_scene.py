"""The shared heat scene: the CLI's off-screen picture and the viewport's in-place recolour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyvista as pv
import trimesh

from pointcam_gui.core.classifier import Analysis, Classifier
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.heatmap import COLORMAPS as CORE_COLORMAPS
from pointcam_gui.render.offscreen import render_screenshot
from pointcam_gui.render.scene import build_scene, recolour, scalar_bar_title
from pointcam_gui.render.style import COLORMAPS, SceneStyle
from tests.gui.conftest import heat_pixels
from tests.models import write_tiny_weights


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    weights = write_tiny_weights(tmp_path_factory.mktemp("model") / "tiny.safetensors")
    classifier = Classifier.load(weights, "cpu")
    return classifier.analyse(trimesh.creation.torus(1.0, 0.3), source="torus.stl")


def test_the_colormap_chooser_offers_exactly_the_core_colormaps() -> None:
    assert COLORMAPS == CORE_COLORMAPS


def test_render_screenshot_writes_a_heat_coloured_png(analysis: Analysis, tmp_path: Path) -> None:
    from PIL import Image

    out = render_screenshot(analysis, analysis.predicted, tmp_path / "part.png", size=(480, 360))
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert rgb.shape == (360, 480, 3)
    red, blue = heat_pixels(rgb)
    assert red > 100 and blue > 100


def test_render_screenshot_rejects_unknown_formats_and_colormaps(analysis: Analysis,
                                                                 tmp_path: Path) -> None:
    with pytest.raises(PointCAMError, match=r"part\.gif.*\.png, \.jpg"):
        render_screenshot(analysis, 0, tmp_path / "part.gif")
    with pytest.raises(PointCAMError, match="colormap"):
        render_screenshot(analysis, 0, tmp_path / "part.png", cmap="rainbow")
    assert list(tmp_path.iterdir()) == []


def test_recolour_writes_into_the_same_arrays_and_retitles_the_bar(analysis: Analysis) -> None:
    plotter = pv.Plotter(off_screen=True, window_size=[200, 150])
    try:
        actors = build_scene(plotter, analysis, analysis.predicted, SceneStyle())
        mesh_before, actor_before = actors.mesh, actors.mesh_actor
        other = (analysis.predicted + 1) % len(analysis.class_names)
        recolour(actors, analysis, other)
        assert actors.mesh is mesh_before and actors.mesh_actor is actor_before
        assert actor_before.mapper.dataset is mesh_before  # the actor paints this very mesh
        np.testing.assert_array_equal(mesh_before.point_data["heat"],
                                      actors.geometry.heat(analysis.vertex_heat[other]))
        np.testing.assert_array_equal(actors.cloud.point_data["heat"], analysis.cams[other])
        assert actors.scalar_bar.GetTitle() == scalar_bar_title(analysis, other)
        assert scalar_bar_title(analysis, other).startswith("Grad-CAM: ")
    finally:
        plotter.close()
