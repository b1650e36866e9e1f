"""The side panel's Display section: colour map, sampled points, edges and opacity.

It shows a ``SceneStyle`` and emits the changed style (``style_changed``); the window keeps the
style and passes it back in, so the menus and these controls never disagree.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from pointcam_gui.render.style import COLORMAP_STOPS, COLORMAPS, SceneStyle


def colormap_icon(name: str, width: int = 56, height: int = 14) -> QIcon:
    """A small gradient swatch, drawn from a few stops so matplotlib is not needed at startup."""
    size = QSize(width, height)
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    gradient = QLinearGradient(0, 0, size.width(), 0)
    stops = COLORMAP_STOPS[name]
    for i, color in enumerate(stops):
        gradient.setColorAt(i / (len(stops) - 1), QColor(color))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(gradient)
    painter.drawRoundedRect(0, 0, size.width(), size.height(), 3, 3)
    painter.end()
    return QIcon(pixmap)


class DisplayControls(QWidget):
    style_changed = Signal(object)  # SceneStyle

    def __init__(self, style: SceneStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._style = style
        self.colormap_combo = QComboBox()
        for name in COLORMAPS:
            self.colormap_combo.addItem(colormap_icon(name), name)
        self.colormap_combo.setIconSize(QSize(56, 14))
        self.points_check = QCheckBox("Sampled points")
        self.points_check.setToolTip("Show the points the model was fed, coloured by their heat")
        self.edges_check = QCheckBox("Edges")
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(10, 100)
        self.opacity_slider.setToolTip("Opacity of the part")
        self.set_style(style)
        self.colormap_combo.currentTextChanged.connect(lambda name: self._emit(cmap=name))
        self.points_check.toggled.connect(lambda on: self._emit(show_points=on))
        self.edges_check.toggled.connect(lambda on: self._emit(show_edges=on))
        self.opacity_slider.valueChanged.connect(lambda v: self._emit(opacity=v / 100.0))

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        for label, widget in (("Colormap", self.colormap_combo), (None, None),
                              ("Opacity", self.opacity_slider)):
            row = QHBoxLayout()
            if widget is None:  # the two check boxes side by side
                row.addWidget(self.points_check)
                row.addWidget(self.edges_check)
                row.addStretch(1)
            else:
                row.addWidget(QLabel(label))
                row.addWidget(widget, 1)
            column.addLayout(row)

    def set_style(self, style: SceneStyle) -> None:
        """Show `style` in the controls without emitting."""
        self._style = style
        widgets = (self.colormap_combo, self.points_check, self.edges_check,
                   self.opacity_slider)
        for w in widgets:
            w.blockSignals(True)
        self.colormap_combo.setCurrentText(style.cmap)
        self.points_check.setChecked(style.show_points)
        self.edges_check.setChecked(style.show_edges)
        self.opacity_slider.setValue(round(style.opacity * 100))
        for w in widgets:
            w.blockSignals(False)

    def _emit(self, **changes: object) -> None:
        self._style = replace(self._style, **changes)  # type: ignore[arg-type]
        self.style_changed.emit(self._style)
