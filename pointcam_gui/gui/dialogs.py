"""Small dialogs: the one-line error, the About box, the screenshot options and the open dialogs."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QWidget,
)

from pointcam_gui import __version__

if TYPE_CHECKING:
    from pointcam_gui.gui.main_window import MainWindow


def show_error(parent: QWidget, title: str, message: str) -> None:
    """The core's one-line reason, as-is (never a traceback)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                      parent)
    box.exec()


def about_html(window: MainWindow) -> str:
    info = window.model_info
    rows = [f"<h3>PointCAM {html.escape(__version__)}</h3>",
            "<p>Which mechanical-part class a PointNet sees in a CAD part, and the Grad-CAM "
            "evidence for it, painted on the part.</p>"]
    if info is None:
        rows.append("<p><i>The model loads with the first part.</i></p>")
    else:
        prov = info.provenance
        description = prov.get("description") or "no description"
        accuracy = prov.get("accuracy")
        rows.append("<table cellspacing='4'>")
        for label, value in (
            ("Model", f"{html.escape(info.weights)}"),
            ("Trained", html.escape(str(description))),
            ("Accuracy", f"{100.0 * float(accuracy):.1f} %" if isinstance(accuracy, float)
             else html.escape(str(accuracy or "not recorded"))),
            ("Points", str(info.num_points)),
            ("Device", html.escape(info.device)),
            ("CUDA", "available" if info.cuda_available else "not available"),
        ):
            rows.append(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>")
        rows.append("</table>")
        names = "".join(f"<li>{html.escape(n)}</li>" for n in info.class_names)
        rows.append(f"<p><b>{len(info.class_names)} classes</b></p><ol>{names}</ol>")
    return "".join(rows)


def show_about(window: MainWindow) -> None:
    QMessageBox.about(window, "About PointCAM", about_html(window))


@dataclass(frozen=True)
class ScreenshotOptions:
    scale: int = 1
    transparent: bool = False


class ScreenshotDialog(QDialog):
    """Scale (1-4x the viewport's size) and a transparent background for PNG."""

    def __init__(self, width: int, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save Screenshot")
        self.scale = QComboBox()
        for s in (1, 2, 3, 4):
            self.scale.addItem(f"{s}×  ({width * s} × {height * s} px)", s)
        self.transparent = QCheckBox("Transparent background (PNG only)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Size", self.scale)
        form.addRow("", self.transparent)
        form.addRow(buttons)

    def options(self) -> ScreenshotOptions:
        return ScreenshotOptions(int(self.scale.currentData()), self.transparent.isChecked())


def ask_parts(parent: QWidget, folder: str) -> list[str]:
    """File › Open: the part files chosen, or none."""
    from pointcam_gui.core.mesh_io import file_filter

    paths, _ = QFileDialog.getOpenFileNames(parent, "Open CAD parts", folder,
                                            f"{file_filter()};;All files (*)")
    return paths


def ask_folder(parent: QWidget, folder: str) -> str:
    """File › Open Folder: the folder chosen, or ''."""
    return QFileDialog.getExistingDirectory(parent, "Open a folder of CAD parts", folder)
