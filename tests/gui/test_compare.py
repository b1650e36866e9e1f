"""View › Compare Side by Side: a second viewport with the same camera, showing the part on
screen with another method, class or contrast; the screenshot exports the pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pointcam_gui.gui import exporting
from pointcam_gui.gui.compare import side_by_side
from pointcam_gui.gui.main_window import MainWindow
from tests.gui.conftest import RESULT_TIMEOUT_MS, open_and_wait


def _compare_on(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.compare_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        window.menu_actions.compare.trigger()
    return blocker.args[0]


def _pick(qtbot, window: MainWindow, name: str):  # type: ignore[no-untyped-def]
    picker = window.compare.method_picker
    with qtbot.waitSignal(window.compare_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        picker.setCurrentIndex(picker.findData(name, 256))  # Qt.UserRole
    return blocker.args[0]


def test_compare_shows_the_runner_up_with_its_own_title_through_the_same_camera(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    main = open_and_wait(qtbot, window, parts["box"]).analysis
    shown = _compare_on(qtbot, window)
    pane = window.compare
    try:
        runner_up = int(np.argsort(-main.probabilities)[1])
        assert shown.request.compare and shown.request.path == str(parts["box"])
        assert pane.target == runner_up and pane.analysis is shown.analysis
        np.testing.assert_array_equal(pane.viewport.heat_scalars(),
                                      shown.analysis.vertex_heat[runner_up])
        titles = [v._actors.scalar_bar.GetTitle() for v in (window.viewport, pane.viewport)]
        assert titles[0] != titles[1] and main.class_names[runner_up] in titles[1]
        # one camera: turning the main view turns the pane's
        main_plotter, pane_plotter = window.viewport.plotter, pane.viewport.plotter
        main_plotter.camera.azimuth = 41.0
        main_plotter.render()
        np.testing.assert_allclose(np.array(pane_plotter.camera_position.to_list()),
                                   np.array(main_plotter.camera_position.to_list()))
        assert (pane_plotter.renderer.GetActiveCamera().GetAddressAsString("vtkCamera")
                == main_plotter.renderer.GetActiveCamera().GetAddressAsString("vtkCamera"))
    finally:
        window.set_compare(False)


def test_another_method_in_the_pane_leaves_the_main_view_alone(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    main = open_and_wait(qtbot, window, parts["torus"]).analysis
    _compare_on(qtbot, window)
    try:
        result = _pick(qtbot, window, "occlusion")
        assert result.analysis.method == "occlusion" and result.load_ms == 0.0  # not re-read
        assert window.analysis is main and window.analysis.method == "gradcam"
        assert window.compare.viewport._actors.scalar_bar.GetTitle().startswith("Occlusion: ")
        # a class switch in the pane is a recolour of the maps it has
        combo = window.compare.target_combo
        combo.setCurrentIndex(combo.findData(main.predicted))
        assert window.compare.target == main.predicted
        np.testing.assert_array_equal(window.compare.viewport.heat_scalars(),
                                      result.analysis.vertex_heat[main.predicted])
    finally:
        _pick(qtbot, window, "gradcam")
        window.set_compare(False)


def test_the_pane_follows_a_newly_opened_part(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    open_and_wait(qtbot, window, parts["box"])
    _compare_on(qtbot, window)
    try:
        with qtbot.waitSignal(window.compare_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
            window.open_path(parts["washer"])
        assert blocker.args[0].request.path == str(parts["washer"])
        assert window.compare.analysis.source == window.analysis.source
    finally:
        window.set_compare(False)


def test_the_screenshot_exports_the_pair(qtbot, window: MainWindow, parts: dict[str, Path],
                                         tmp_path: Path) -> None:
    open_and_wait(qtbot, window, parts["box"])
    single = exporting.picture(window)
    _compare_on(qtbot, window)
    try:
        pair = exporting.picture(window)
        widths = [v.screenshot().shape[1] for v in (window.viewport, window.compare.viewport)]
        assert pair.shape[1] == sum(widths) and min(widths) > 0
        assert pair.shape[0] == single.shape[0]
        np.testing.assert_array_equal(pair[:, :widths[0]], window.viewport.screenshot())
    finally:
        window.set_compare(False)
    assert exporting.picture(window).shape == window.viewport.screenshot().shape


def test_side_by_side_pads_the_shorter_picture_with_its_background() -> None:
    left = np.zeros((4, 3, 3), np.uint8)
    right = np.full((2, 5, 4), 200, np.uint8)
    pair = side_by_side(left, right)
    assert pair.shape == (4, 8, 3) and (pair[:, 3:] == 200).all() and (pair[:, :3] == 0).all()
