"""File > Save Screenshot, Copy Image and the heat exports, through the window's menu actions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from pointcam_gui.gui import dialogs
from pointcam_gui.gui.dialogs import ScreenshotDialog
from pointcam_gui.gui.exporting import grab_window
from pointcam_gui.gui.main_window import MainWindow
from tests.gui.conftest import heat_pixels, open_and_wait


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                               image.bytesPerLine())
    return array[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


@pytest.fixture
def shown(qtbot, window: MainWindow, parts: dict[str, Path]) -> MainWindow:  # type: ignore[no-untyped-def]
    window.set_style(window.scene_style.__class__(cmap="jet"))
    open_and_wait(qtbot, window, parts["torus"])
    return window


def test_save_screenshot_writes_a_png_with_heat_colours(
        shown: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "shot.png"
    monkeypatch.setattr(ScreenshotDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    _save_as(monkeypatch, out)
    shown.menu_actions.save_screenshot.trigger()
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (shown.viewport.width(), shown.viewport.height())
    red, blue = heat_pixels(_rgb(image))
    assert red > 200 and blue > 200
    assert not list(tmp_path.glob(".shot.png.*"))  # no temporary file left behind


def test_screenshot_scale_and_transparency_are_honoured(
        shown: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def accept_with_options(self: ScreenshotDialog) -> QDialog.DialogCode:
        self.scale.setCurrentIndex(1)  # 2x
        self.transparent.setChecked(True)
        return QDialog.DialogCode.Accepted

    out = tmp_path / "big.png"
    monkeypatch.setattr(ScreenshotDialog, "exec", accept_with_options)
    _save_as(monkeypatch, out)
    shown.menu_actions.save_screenshot.trigger()
    image = QImage(str(out))
    assert image.width() == 2 * shown.viewport.width()
    assert image.hasAlphaChannel()
    assert image.pixelColor(1, 1).alpha() == 0  # the background corner is see-through


def test_whole_window_grab_shows_the_panel_and_the_heat(shown: MainWindow) -> None:
    image = grab_window(shown)
    assert (image.width(), image.height()) == (shown.width(), shown.height())
    red, blue = heat_pixels(_rgb(image))
    assert red > 200 and blue > 200


def test_copy_image_puts_the_picture_on_the_clipboard(shown: MainWindow) -> None:
    shown.menu_actions.copy_image.trigger()
    image = QApplication.clipboard().image()
    assert image.width() == shown.viewport.width()
    assert sum(heat_pixels(_rgb(image))) > 400


def test_export_heat_mesh_writes_a_coloured_ply(
        shown: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trimesh

    out = tmp_path / "heat.ply"
    _save_as(monkeypatch, out)
    shown.menu_actions.export_mesh.trigger()
    mesh = trimesh.load(out, process=False)
    assert isinstance(mesh, trimesh.Trimesh)
    assert len(mesh.vertices) == len(shown.analysis.display_mesh.vertices)  # type: ignore[union-attr]
    colours = np.asarray(mesh.visual.vertex_colors)[:, :3]
    assert len(np.unique(colours, axis=0)) > 10


def test_export_heat_data_writes_json_with_probabilities(
        shown: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "heat.json"
    _save_as(monkeypatch, out)
    shown.menu_actions.export_data.trigger()
    text = out.read_text()
    data = json.loads(text)
    analysis = shown.analysis
    assert analysis is not None
    assert analysis.predicted_name in text
    assert isinstance(data, dict)


def test_export_into_a_missing_folder_shows_the_reason(
        shown: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr("pointcam_gui.gui.exporting.show_error",
                        lambda _p, _t, message: errors.append(message))
    _save_as(monkeypatch, tmp_path / "missing" / "heat.csv")
    shown.menu_actions.export_data.trigger()
    assert len(errors) == 1 and "does not exist" in errors[0]
    assert dialogs is not None
