"""Choosing the explanation method and a contrast class in the panel: computed once per part on
the worker, same target and camera; switching back is a lookup in the worker's cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pointcam_gui.core.explain import CATALOGUE, GROUPS
from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.gui.method_picker import MethodPicker
from tests.gui.conftest import RESULT_TIMEOUT_MS, open_and_wait


def _pick(qtbot, window: MainWindow, name: str):  # type: ignore[no-untyped-def]
    picker = window.panel.method_picker
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        picker.setCurrentIndex(picker.findData(name, 256))  # Qt.UserRole
    return blocker.args[0]


def test_the_picker_lists_every_method_under_its_group_with_a_tooltip(qapp) -> None:  # type: ignore[no-untyped-def]
    picker = MethodPicker()
    texts = [picker.itemText(i).strip() for i in range(picker.count())]
    assert texts[0] == GROUPS[0].capitalize() and len(texts) == len(CATALOGUE) + len(GROUPS)
    for name, info in CATALOGUE.items():
        row = picker.findData(name, 256)
        assert row >= 0 and info.reference in picker.itemData(row, 3)  # Qt.ToolTipRole
    assert picker.method() == "gradcam"


def test_a_new_method_explains_the_same_part_and_target_keeping_the_camera(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    first = open_and_wait(qtbot, window, parts["box"])
    target = (first.analysis.predicted + 1) % len(first.analysis.class_names)
    window.set_target(target)
    window.viewport.plotter.camera.azimuth = 37.0  # where the user turned it, not a preset
    window.viewport.plotter.camera.elevation = -21.0
    camera = window.viewport.plotter.camera_position
    result = _pick(qtbot, window, "occlusion")
    assert result.analysis.method == "occlusion" and result.target == target == window.target
    assert result.request.path == str(parts["box"]) and result.load_ms == 0.0  # not re-read
    np.testing.assert_allclose(np.array(window.viewport.plotter.camera_position.to_list()),
                               np.array(camera.to_list()))
    np.testing.assert_array_equal(window.viewport.heat_scalars(),
                                  result.analysis.vertex_heat[target])
    assert window.viewport._actors.scalar_bar.GetTitle().startswith("Occlusion: ")
    back = _pick(qtbot, window, "gradcam")
    assert back.analysis is first.analysis  # from the worker's cache, no new inference


def test_a_contrast_class_paints_the_target_rather_than_it(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    plain = open_and_wait(qtbot, window, parts["torus"]).analysis
    other = (plain.predicted + 1) % len(plain.class_names)
    combo = window.panel.contrast_combo
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        combo.setCurrentIndex(combo.findData(other))
    versus = blocker.args[0].analysis
    assert versus.contrast == other and window.contrast == other
    assert "rather than" in window.panel.target_line.text()
    assert not np.allclose(versus.vertex_heat[plain.predicted], plain.vertex_heat[plain.predicted])
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        combo.setCurrentIndex(combo.findData(-1))
    assert window.contrast == -1 and window.analysis.contrast is None


def test_a_method_chosen_while_a_part_loads_applies_to_that_part(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    open_and_wait(qtbot, window, parts["box"])
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        window.open_path(parts["washer"])
        window.set_method("xgradcam")  # before the washer's result arrives
    result = blocker.args[0]
    assert result.request.path == str(parts["washer"]) and result.analysis.method == "xgradcam"
    assert window.panel.method_picker.method() == "xgradcam"
    window.set_method("gradcam")


def test_faithfulness_is_measured_on_demand_and_remembered_per_class(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    analysis = open_and_wait(qtbot, window, parts["box"]).analysis
    view = window.panel.faithfulness
    assert view.score.text() == "" and not view.curves.isVisible()
    with qtbot.waitSignal(window.faithfulness_measured, timeout=RESULT_TIMEOUT_MS) as blocker:
        view.button.click()
    result = blocker.args[0]
    assert result.target == window.target == analysis.predicted
    assert f"{result.score:+.2f}" in view.score.text() and view.curves.isVisible()
    other = (analysis.predicted + 1) % len(analysis.class_names)
    window.set_target(other)
    assert view.score.text() == "" and view.button.isEnabled()  # not measured for this class
    window.set_target(analysis.predicted)
    assert f"{result.score:+.2f}" in view.score.text()  # remembered, not measured again


def test_methods_the_loaded_model_cannot_run_are_greyed_out_with_the_reason(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    open_and_wait(qtbot, window, parts["box"])  # the model is loaded with the first part
    picker = window.panel.method_picker
    row = picker.findData("cam", 256)
    assert not picker.available("cam") and picker.available("gradcam")
    assert "pointcam train --head cam" in picker.itemData(row, 3)  # Qt.ToolTipRole
    picker.set_architecture({"pool": "avg", "head": []})  # a model CAM explains
    assert picker.available("cam")
    assert "Unavailable" not in picker.itemData(row, 3)


def test_a_method_the_weights_cannot_run_falls_back_and_says_why(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    open_and_wait(qtbot, window, parts["box"])
    window.method = "cam"  # as `--method cam` leaves it before the weights are known
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        window._on_model_loaded(window.model_info)
    assert blocker.args[0].analysis.method == "gradcam" == window.method
    assert "pointcam train --head cam" in window.status.currentMessage()
