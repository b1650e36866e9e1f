"""File > Save Screenshot, Copy Image and the heat exports: dialogs here, writing in the core.

Every file is written to a temporary name and then renamed, so an interrupted export never
leaves a half-written file; QFileDialog asks before overwriting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.gui.dialogs import ScreenshotDialog, ScreenshotOptions, show_error

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.gui.main_window import MainWindow

log = logging.getLogger(__name__)

IMAGE_FILTER = "PNG image (*.png);;JPEG image (*.jpg *.jpeg)"
MESH_FILTER = "PLY with vertex colours (*.ply);;glTF binary (*.glb);;Wavefront OBJ (*.obj)"
DATA_FILTER = "CSV table (*.csv);;JSON (*.json)"


def grab_window(window: MainWindow) -> QImage:
    """The whole window (panel and viewport with its heat colours) as one image."""
    image = window.grab().toImage()
    painter = QPainter(image)
    ratio = image.devicePixelRatio()
    for viewport in (window.viewport, window.compare.viewport):
        if not viewport.isVisible():
            continue
        view = viewport.image()
        painter.drawImage(viewport.origin_in(window), view.scaled(int(viewport.width() * ratio),
                                                                  int(viewport.height() * ratio)))
    painter.end()
    return image


def _ask_path(window: MainWindow, title: str, suggested: str, filters: str) -> Path | None:
    start = str(Path(window.settings.last_folder) / suggested)
    path, chosen = QFileDialog.getSaveFileName(window, title, start, filters)
    if not path:
        return None
    out = Path(path)
    if not out.suffix:  # take the suffix from the chosen filter: "PNG image (*.png)" -> ".png"
        out = out.with_suffix(chosen.split("*", 1)[1].split()[0].rstrip(")"))
    window.settings.last_folder = str(out.parent)
    return out


def _stem(window: MainWindow) -> str:
    analysis = window.analysis
    source = Path(analysis.source) if analysis is not None and analysis.source else None
    base = source.stem if source else "part"
    if analysis is not None and window.target >= 0:
        from pointcam_gui.core.classes import SLUGS

        name = analysis.class_names[window.target]
        base += "_" + SLUGS.get(name, name.lower().replace(" ", "_"))
    return base


def save_qimage_atomic(image: QImage, path: Path) -> Path:
    """Write a QImage as PNG/JPG through core's atomic writer (temporary file, then rename)."""
    from pointcam_gui.core.export import write_atomic

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    fmt = "PNG" if path.suffix.lower() == ".png" else "JPG"
    if not image.save(buffer, fmt):  # type: ignore[call-overload]  # PySide6 takes a str
        raise PointCAMError(f"{path.name}: the picture could not be encoded as {fmt}")
    buffer.close()
    payload = bytes(data.data())
    return write_atomic(path, lambda stream: stream.write(payload))


def picture(window: MainWindow, scale: int = 1, transparent: bool = False) -> np.ndarray:
    """The viewport rendered at ``scale``; with the compare pane open, the pair side by side."""
    from pointcam_gui.gui.compare import side_by_side

    image = window.viewport.screenshot(scale, transparent)
    pane = window.compare
    if pane.isVisible() and pane.analysis is not None:
        image = side_by_side(image, pane.viewport.screenshot(scale, transparent))
    return image


def write_screenshot(window: MainWindow, path: Path, options: ScreenshotOptions) -> Path:
    """Render the viewport (and the compare pane's, beside it) at `options.scale` and write it
    atomically."""
    from pointcam_gui.render.offscreen import write_image_atomic

    transparent = options.transparent and path.suffix.lower() == ".png"
    image = picture(window, options.scale, transparent)
    write_image_atomic(image, path)
    log.info("saved screenshot %s", path)
    return path


def save_screenshot(window: MainWindow) -> None:
    if window.analysis is None:
        return
    pair = window.compare.isVisible() and window.compare.analysis is not None
    width = window.viewport.width() + (window.compare.viewport.width() if pair else 0)
    dialog = ScreenshotDialog(width, window.viewport.height(), window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    path = _ask_path(window, "Save Screenshot", f"{_stem(window)}.png", IMAGE_FILTER)
    if path is None:
        return
    _guarded(window, lambda: write_screenshot(window, path, dialog.options()))


def copy_image(window: MainWindow) -> None:
    if window.analysis is None:
        return
    array = np.ascontiguousarray(picture(window)[..., :3])
    h, w = array.shape[:2]
    image = QImage(array.data, w, h, array.strides[0], QImage.Format.Format_RGB888).copy()
    QApplication.clipboard().setImage(image)
    window.status.flash(f"Copied a {w} × {h} picture of the part")


def export_mesh(window: MainWindow) -> None:
    _export(window, "Export Heat Mesh", ".ply", MESH_FILTER,
            lambda export, analysis, path: export.export_heat_mesh(
                analysis, window.target, path, cmap=window.scene_style.cmap))


def export_data(window: MainWindow) -> None:
    _export(window, "Export Heat Data", ".csv", DATA_FILTER,
            lambda export, analysis, path: export.export_point_heat(analysis, path))


def _export(window: MainWindow, title: str, suffix: str, file_filter: str,
            writer: Callable[[Any, Analysis, Path], object]) -> None:
    """Ask where, then write through core.export (atomic; one-line errors in a dialog)."""
    analysis = window.analysis
    if analysis is None:
        return
    path = _ask_path(window, title, f"{_stem(window)}{suffix}", file_filter)
    if path is None:
        return

    def write() -> Path:
        from pointcam_gui.core import export

        writer(export, analysis, path)
        return path

    _guarded(window, write)


def _guarded(window: MainWindow, write: object) -> None:
    """Run a write; expected errors get the one-line dialog, others a log entry and a flash."""
    try:
        path = write()  # type: ignore[operator]
    except (PointCAMError, OSError, ValueError) as exc:
        show_error(window, "Cannot save", str(exc))
    except Exception as exc:
        log.exception("export failed")
        window.status.flash(f"Unexpected error while saving: {exc} (details in the log)")
    else:
        window.status.flash(f"Saved {path}")
