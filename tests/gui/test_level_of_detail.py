"""Drawing big parts fast: coarse while the camera moves, full at rest; no multisampling on
software OpenGL from the first frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.render import lod
from tests.gui.conftest import RESULT_TIMEOUT_MS


@pytest.fixture
def coarse_scene(qtbot, window: MainWindow, parts: dict[str, Path],  # type: ignore[no-untyped-def]
                 monkeypatch: pytest.MonkeyPatch):
    """The torus opened with thresholds that make it 'big' (a real big part is slow to test)."""
    monkeypatch.setattr(lod, "LOD_FROM_FACES", 500)
    monkeypatch.setattr(lod, "LOD_FACES", 300)
    window.service.forget()  # no coarse copy cached from another test
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        window.open_path(parts["torus"])
    qtbot.waitUntil(lambda: window.viewport._actors is not None
                    and window.viewport._actors.coarse_actor is not None, timeout=10_000)
    yield window.viewport._actors
    window.viewport.plotter.ren_win.SetDesiredUpdateRate(0.0001)


def _frame(window: MainWindow, rate: float) -> None:
    """One frame at the render window's desired update rate (what VTK's styles set)."""
    ren_win = window.viewport.plotter.ren_win
    ren_win.SetDesiredUpdateRate(rate)
    window.viewport.plotter.render()


def test_moving_camera_draws_the_coarse_copy_and_rest_draws_full_detail(
        qtbot, window: MainWindow, coarse_scene) -> None:  # type: ignore[no-untyped-def]
    actors = coarse_scene
    assert len(actors.coarse_geometry.faces) < len(actors.geometry.faces)
    _frame(window, 30.0)  # a drag in progress
    assert actors.coarse_actor.GetVisibility() and not actors.mesh_actor.GetVisibility()
    _frame(window, 0.0001)  # the drag's closing still frame: still coarse, the camera may go on
    assert actors.coarse_actor.GetVisibility()
    qtbot.waitUntil(lambda: actors.mesh_actor.GetVisibility(), timeout=2000)  # at rest
    assert not actors.coarse_actor.GetVisibility()


def test_coarse_copy_follows_the_class_and_pictures_use_full_detail(
        qtbot, window: MainWindow, coarse_scene) -> None:  # type: ignore[no-untyped-def]
    actors = coarse_scene
    analysis = window.analysis
    target = (window.target + 1) % len(analysis.class_names)
    window.set_target(target)
    np.testing.assert_array_equal(
        np.asarray(actors.coarse.point_data["heat"]),
        actors.coarse_geometry.heat(analysis.vertex_heat[target]).astype(np.float32))
    _frame(window, 30.0)
    _frame(window, 0.0001)  # the camera was just let go of, and Save Screenshot comes at once
    assert actors.coarse_actor.GetVisibility()
    window.viewport.screenshot()
    assert actors.mesh_actor.GetVisibility() and not actors.coarse_actor.GetVisibility()
    # the full mesh took the class it had left for its next frame before the picture
    np.testing.assert_array_equal(window.viewport.heat_scalars(), analysis.vertex_heat[target])


def test_small_parts_get_no_coarse_copy(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                        parts: dict[str, Path]) -> None:
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        window.open_path(parts["box"])
    qtbot.wait(300)  # a coarse copy would come right after the result
    assert window.viewport._actors.coarse_actor is None


def test_software_opengl_is_known_before_the_first_frame_and_draws_without_multisampling(
        qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from pointcam_gui.gui.opengl import is_software, opengl_renderer
    from pointcam_gui.gui.viewport import Viewport

    renderer = opengl_renderer()
    assert renderer  # Xvfb's Mesa answers
    viewport = Viewport(QLabel("welcome"))
    qtbot.addWidget(viewport)
    plotter = viewport.ensure_plotter()  # nothing drawn yet
    try:
        assert viewport.renderer == renderer
        if not is_software(renderer):
            pytest.skip(f"hardware OpenGL here ({renderer})")
        assert plotter.ren_win.GetMultiSamples() == 0
    finally:
        viewport.shutdown()


def test_another_class_shows_at_once_on_the_coarse_copy_then_in_full(
        qtbot, window: MainWindow, coarse_scene) -> None:  # type: ignore[no-untyped-def]
    actors = coarse_scene
    analysis = window.analysis
    qtbot.waitUntil(lambda: actors.mesh_actor.GetVisibility(), timeout=2000)  # at rest
    shown = window.target
    for step in (1, 2):  # stepping through the classes, as PageDown or the arrow keys do
        window.set_target((window.target + step) % len(analysis.class_names))
        assert actors.coarse_actor.GetVisibility() and not actors.mesh_actor.GetVisibility()
        np.testing.assert_array_equal(
            np.asarray(actors.coarse.point_data["heat"]),
            actors.coarse_geometry.heat(analysis.vertex_heat[window.target]).astype(np.float32))
    # the hidden full mesh is not rewritten at each step, only before it is drawn again
    np.testing.assert_array_equal(window.viewport.heat_scalars(), analysis.vertex_heat[shown])
    qtbot.waitUntil(lambda: actors.mesh_actor.GetVisibility(), timeout=2000)
    assert not actors.coarse_actor.GetVisibility()
    np.testing.assert_array_equal(window.viewport.heat_scalars(),
                                  analysis.vertex_heat[window.target])
