"""The side panel: what the model says (prediction, class list, target) and how the part is drawn.

It holds no analysis logic; it shows what it is given and emits intent signals
(`target_changed`, `method_changed`, `contrast_changed`, `style_changed`) that the main window
turns into viewport calls or new requests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pointcam_gui.core.classes import percent
from pointcam_gui.gui.class_list import ClassList
from pointcam_gui.gui.display_controls import DisplayControls
from pointcam_gui.gui.faithfulness_view import FaithfulnessView
from pointcam_gui.gui.method_picker import MethodPicker
from pointcam_gui.gui.novelty_banner import NoveltyBanner
from pointcam_gui.gui.theme import Theme
from pointcam_gui.render.style import SceneStyle

PANEL_WIDTH = 340


def _caption(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("Caption")
    return label


def _separator() -> QFrame:
    line = QFrame()
    line.setObjectName("Separator")
    line.setFrameShape(QFrame.Shape.NoFrame)
    return line


class SidePanel(QWidget):
    target_changed = Signal(int)
    method_changed = Signal(str)
    contrast_changed = Signal(int)  # a class index, or -1 for none
    style_changed = Signal(object)  # SceneStyle

    def __init__(self, style: SceneStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SidePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(PANEL_WIDTH)
        self._names: tuple[str, ...] = ()
        self._probs: Sequence[float] = ()
        self._predicted = -1

        self.novelty_banner = NoveltyBanner()
        self.predicted_name = QLabel("No part open")
        self.predicted_name.setObjectName("PredictedName")
        self.predicted_name.setWordWrap(True)
        self.predicted_prob = QLabel("Open a part to classify it")
        self.predicted_prob.setObjectName("PredictedProb")
        self.source_label = QLabel("")
        self.source_label.setObjectName("Muted")
        self.source_label.setWordWrap(True)
        self.target_line = QLabel("")
        self.target_line.setObjectName("TargetLine")
        self.target_line.setWordWrap(True)
        self.target_line.setTextFormat(Qt.TextFormat.RichText)

        self.method_picker = MethodPicker()
        self.method_picker.method_changed.connect(self.method_changed)
        self.contrast_combo = QComboBox()
        self.contrast_combo.setToolTip("Paint why the target class rather than this one: the "
                                       "evidence for the difference of their scores")
        self.contrast_combo.currentIndexChanged.connect(self._on_contrast)
        self.target_combo = QComboBox()
        self.target_combo.setToolTip("The class whose evidence is painted on the part")
        self.target_combo.currentIndexChanged.connect(self._on_combo)
        self.faithfulness = FaithfulnessView()
        self.class_list = ClassList()
        self.class_list.target_changed.connect(self._on_list)

        self.display = DisplayControls(style)
        self.display.style_changed.connect(self.style_changed)
        self._layout()
        self.set_enabled_for_analysis(False)

    def _layout(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 18, 18, 14)
        root.setSpacing(6)
        root.addWidget(self.novelty_banner)
        root.addWidget(_caption("Predicted class"))
        root.addWidget(self.predicted_name)
        root.addWidget(self.predicted_prob)
        root.addWidget(self.source_label)
        root.addSpacing(8)
        root.addWidget(_separator())
        root.addSpacing(8)
        root.addWidget(_caption("Evidence"))
        for label, widget in (("Method", self.method_picker), ("For", self.target_combo),
                              ("Rather than", self.contrast_combo)):
            row = QHBoxLayout()
            caption = QLabel(label)
            caption.setMinimumWidth(78)
            row.addWidget(caption)
            row.addWidget(widget, 1)
            root.addLayout(row)
        root.addWidget(self.target_line)
        root.addWidget(self.class_list, 1)
        root.addWidget(self.faithfulness)
        root.addWidget(_separator())
        root.addSpacing(6)
        root.addWidget(_caption("Display"))
        root.addWidget(self.display)

    # what the window tells the panel ------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self.class_list.set_theme(theme)
        self._theme = theme
        self._update_target_line(self.current_target())

    def set_style(self, style: SceneStyle) -> None:
        """Show `style` in the display controls without emitting."""
        self.display.set_style(style)

    def set_analysis(self, names: Sequence[str], probabilities: Sequence[float],
                     predicted: int, target: int, source: str, *,
                     novelty: float = math.nan, unfamiliar: bool = False) -> None:
        self._names, self._probs, self._predicted = tuple(names), probabilities, predicted
        self.novelty_banner.show_verdict(unfamiliar, len(names), novelty)
        self.predicted_name.setText(names[predicted])
        self.predicted_prob.setText(f"{percent(probabilities[predicted])} probability")
        self.source_label.setText(source)
        contrast = self.current_contrast()
        for combo in (self.target_combo, self.contrast_combo):
            combo.blockSignals(True)
            combo.clear()
        self.contrast_combo.addItem("— (the class alone)", -1)
        for i, name in enumerate(names):
            self.target_combo.addItem(name, i)
            self.contrast_combo.addItem(name, i)
        self.contrast_combo.setCurrentIndex(max(self.contrast_combo.findData(contrast), 0))
        for combo in (self.target_combo, self.contrast_combo):
            combo.blockSignals(False)
        self.class_list.set_classes(names, probabilities, predicted, target)
        self.set_target(target)
        self.set_enabled_for_analysis(True)

    def set_target(self, target: int) -> None:
        """Select `target` in the list and the combo box without emitting."""
        self.class_list.select_class(target)
        self.target_combo.blockSignals(True)
        self.target_combo.setCurrentIndex(self.target_combo.findData(target))
        self.target_combo.blockSignals(False)
        self._update_target_line(target)

    def current_contrast(self) -> int:
        data = self.contrast_combo.currentData()
        return int(data) if data is not None else -1

    def current_target(self) -> int:
        data = self.target_combo.currentData()
        return int(data) if data is not None else -1

    def set_enabled_for_analysis(self, enabled: bool) -> None:
        for widget in (self.target_combo, self.class_list, self.method_picker,
                       self.contrast_combo, self.faithfulness):
            widget.setEnabled(enabled)

    # intents ------------------------------------------------------------------------------
    def _on_combo(self, _row: int) -> None:
        target = self.current_target()
        if target >= 0:
            self.class_list.select_class(target)
            self._update_target_line(target)
            self.target_changed.emit(target)

    def _on_list(self, target: int) -> None:
        self.target_combo.blockSignals(True)
        self.target_combo.setCurrentIndex(self.target_combo.findData(target))
        self.target_combo.blockSignals(False)
        self._update_target_line(target)
        self.target_changed.emit(target)

    def _on_contrast(self, _row: int) -> None:
        self._update_target_line(self.current_target())
        self.contrast_changed.emit(self.current_contrast())

    def _update_target_line(self, target: int) -> None:
        if target < 0 or not self._names:
            self.target_line.setText("")
            return
        theme = getattr(self, "_theme", None)
        muted = theme.muted if theme else "#6a7282"
        if target == self._predicted:
            text = f"<span style='color:{muted}'>Showing the evidence for the predicted class"
            text += "</span>"
        else:
            prob = escape(percent(self._probs[target])).replace(" ", "&nbsp;")  # one line
            text = (f"<span style='color:{muted}'>Showing the evidence for</span> "
                    f"<b>{escape(self._names[target])}</b> <span style='color:{muted}'>"
                    f"({prob}), not the predicted class</span>")
        contrast = self.current_contrast()
        if contrast >= 0:
            text += (f"<span style='color:{muted}'>, rather than</span> "
                     f"<b>{escape(self._names[contrast])}</b>")
        self.target_line.setText(text)
