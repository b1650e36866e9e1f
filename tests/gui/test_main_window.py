"""The window end to end: open, show, switch targets from the cache, drop stale results, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from pointcam_gui.core.classes import percent
from pointcam_gui.gui import dialogs
from pointcam_gui.gui.class_list import CLASS_ROLE, PREDICTED_ROLE, PROB_ROLE
from pointcam_gui.gui.layout import FileDrops
from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.gui.requests import AnalysisResult
from tests.gui.conftest import RESULT_TIMEOUT_MS, open_and_wait


def test_file_open_menu_analyses_the_part_and_panel_names_the_prediction(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(parts["torus"])], "CAD parts"))
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        window.menu_actions.open.trigger()
    result: AnalysisResult = blocker.args[0]
    analysis = result.analysis
    assert Path(result.request.path) == parts["torus"]
    assert window.panel.predicted_name.text() == analysis.predicted_name
    assert percent(analysis.probabilities[analysis.predicted]) in window.panel.predicted_prob.text()
    assert window.target == analysis.predicted
    np.testing.assert_array_equal(window.viewport.heat_scalars(),
                                  analysis.vertex_heat[analysis.predicted])
    assert window.menu_actions.save_screenshot.isEnabled()
    assert "torus.stl" in window.windowTitle()
    shown = window.status.timings.text()  # where the time went, the display mesh included
    for stage in ("load", "sample", "forward", "explain", "refine", "heat map", "display"):
        assert f"{stage} " in shown


def test_the_viewer_analyses_the_views_drawn_while_the_part_loads(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader's child draws the views before it welds the part, and the model runs on them
    meanwhile: the same analysis as the core's of the welded part, now with that part. The
    child then builds the display geometry while the worker paints the heat: the same geometry
    as the worker's own crease splitting of the display mesh."""
    from pointcam_gui.core import Classifier, load_mesh
    from pointcam_gui.gui import worker
    from pointcam_gui.render.shading import split_sharp_edges

    def not_here(analysis):  # type: ignore[no-untyped-def]
        raise AssertionError("the worker split the creases itself")

    monkeypatch.setattr(worker, "paint", not_here)
    result = open_and_wait(qtbot, window, parts["washer"])
    analysis = result.analysis
    built_here = split_sharp_edges(analysis.display_mesh)
    for field in ("vertices", "faces", "normals", "source"):
        np.testing.assert_array_equal(getattr(result.geometry, field), getattr(built_here, field))
    clf = Classifier.load(window.service.worker.weights, device="cpu")
    direct = clf.analyse(load_mesh(parts["washer"]))
    np.testing.assert_array_equal(analysis.probabilities, direct.probabilities)
    np.testing.assert_array_equal(analysis.explanation.raw_cams, direct.explanation.raw_cams)
    assert analysis.part is not None and not analysis.part.metadata.get("unwelded")
    # the same heat on the same surface (the two welds number the vertices apart, and the
    # refinement's new vertices may then differ in the last bit)
    shown, core = analysis.display_mesh.vertices, direct.display_mesh.vertices
    order_shown, order_core = (np.lexsort(np.round(v, 9).T) for v in (shown, core))
    np.testing.assert_allclose(shown[order_shown], core[order_core], atol=1e-12)
    np.testing.assert_allclose(analysis.vertex_heat[:, order_shown],
                               direct.vertex_heat[:, order_core], atol=1e-5)


def test_class_list_is_sorted_by_probability_and_badges_the_prediction(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    analysis = open_and_wait(qtbot, window, parts["torus"]).analysis
    rows = window.panel.class_list
    probs = [rows.item(i).data(PROB_ROLE) for i in range(rows.count())]
    assert rows.count() == len(analysis.class_names)
    assert probs == sorted(probs, reverse=True)
    badged = [rows.item(i).data(CLASS_ROLE) for i in range(rows.count())
              if rows.item(i).data(PREDICTED_ROLE)]
    assert badged == [analysis.predicted]
    assert rows.class_at_row(rows.currentRow()) == analysis.predicted  # the target row


def test_switching_target_recolours_without_inference(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    analysis = open_and_wait(qtbot, window, parts["torus"]).analysis
    sent = []
    window.service.submitted.connect(sent.append)
    rows = window.panel.class_list
    last_row = rows.count() - 1
    rows.setCurrentRow(last_row)  # what a click or the arrow keys do
    target = rows.class_at_row(last_row)
    assert target != analysis.predicted
    assert window.target == target
    np.testing.assert_array_equal(window.viewport.heat_scalars(), analysis.vertex_heat[target])
    assert window.panel.current_target() == target  # the combo box follows
    window.menu_actions.previous_class.trigger()
    target = rows.class_at_row(last_row - 1)
    np.testing.assert_array_equal(window.viewport.heat_scalars(), analysis.vertex_heat[target])
    window.panel.target_combo.setCurrentIndex(window.panel.target_combo.findData(0))
    np.testing.assert_array_equal(window.viewport.heat_scalars(), analysis.vertex_heat[0])
    assert sent == []
    assert window.analysis is analysis


def test_newest_part_wins_when_two_are_opened_at_once(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    shown: list[AnalysisResult] = []
    window.analysis_shown.connect(shown.append)
    window.open_path(parts["torus"])
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        window.open_path(parts["washer"])
    # The worker runs requests in order and results arrive in order, so by the time the
    # washer is shown the torus was either skipped or its result already dropped.
    assert [Path(r.request.path) for r in shown] == [parts["washer"]]
    assert window.analysis is not None and window.analysis.source == str(parts["washer"])


def test_result_with_a_stale_request_id_is_dropped(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    old = open_and_wait(qtbot, window, parts["torus"])
    current = open_and_wait(qtbot, window, parts["box"])
    window.service.worker.finished.emit(old)  # a late result of an earlier request
    qtbot.wait(20)
    assert window.analysis is current.analysis


def test_bad_file_shows_one_line_error_and_keeps_previous_part(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, message: errors.append(message))
    good = open_and_wait(qtbot, window, parts["torus"]).analysis
    with qtbot.waitSignal(window.analysis_failed, timeout=RESULT_TIMEOUT_MS):
        window.open_path(parts["broken"])
    assert len(errors) == 1 and "\n" not in errors[0] and "broken.stl" in errors[0]
    assert "Traceback" not in errors[0]
    assert window.analysis is good
    np.testing.assert_array_equal(window.viewport.heat_scalars(), good.vertex_heat[window.target])
    assert not window.status.is_busy
    # still usable: the next part opens
    assert open_and_wait(qtbot, window, parts["box"]).request.path == str(parts["box"])


def test_unexpected_error_is_flashed_in_the_status_bar_not_a_dialog(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: errors.append(a[2]))
    request = window.open_path(parts["torus"])
    window.service.worker.failed.emit(request.id, "RuntimeError: boom", False)
    assert errors == []
    assert "boom" in window.status.currentMessage()
    assert not window.status.is_busy


def test_dropping_a_file_on_the_window_opens_it(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(parts["box"]))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    drops = window.findChild(FileDrops)  # Qt hands it the drops a real drag brings
    assert drops is not None and window.acceptDrops()
    sent: list[object] = []
    window.service.submitted.connect(sent.append)
    for passing in (QDragEnterEvent, QDragMoveEvent):  # the drag over the window opens nothing
        drag = passing(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
        drops.eventFilter(window, drag)
    assert sent == []
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        assert drops.eventFilter(window, event)
    assert blocker.args[0].request.path == str(parts["box"])
    assert len(sent) == 1


def test_view_options_restyle_the_scene_without_inference(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    open_and_wait(qtbot, window, parts["torus"])
    sent = []
    window.service.submitted.connect(sent.append)
    window.panel.display.colormap_combo.setCurrentText("viridis")
    window.menu_actions.points.trigger()
    window.menu_actions.cameras["top"].trigger()
    actors = window.viewport._actors
    assert actors is not None
    assert actors.mesh_actor.mapper.lookup_table.cmap.name == "viridis"
    assert actors.cloud_actor.GetVisibility()
    assert window.panel.display.points_check.isChecked()
    assert window.settings.colormap == "viridis"
    assert sent == []


def test_opened_part_goes_first_in_recent_files(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    open_and_wait(qtbot, window, parts["torus"])
    open_and_wait(qtbot, window, parts["box"])
    assert window.settings.recent_files[:2] == [str(parts["box"].resolve()),
                                                str(parts["torus"].resolve())]
    titles = [a.text() for a in window.menu_actions.recent_menu.actions() if a.text()]
    assert titles[:2] == ["box.stl", "torus.stl"]


def test_device_menu_reflects_cuda_after_the_model_loads(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    from pointcam_gui.core.device import cuda_available

    open_and_wait(qtbot, window, parts["torus"])
    assert window.model_info is not None
    assert window.menu_actions.devices["cuda"].isEnabled() == cuda_available()
    assert window.menu_actions.devices["cpu"].isChecked()
    assert "CPU" in window.status.device.text()
