"""The calm notice above the prediction when a part looks like none of the classes the model knows.

A classifier always names one of its classes; when the core calls a part unfamiliar, the name and
the heat are only its least bad guess, and the panel says so in words rather than with alarm.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from pointcam_gui.gui.status import novelty_score

ICON_SIZE = 16


def unfamiliar_text(known_classes: int) -> str:
    return (f"This part does not look like any of the {known_classes} classes the model knows "
            "— the classes and the heat below are its best guess")


class NoveltyBanner(QFrame):
    """Hidden unless the shown part is unfamiliar; its colours come from the theme's style sheet
    (``#NoveltyBanner``), so it follows the light and the dark theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoveltyBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.icon = QLabel("i")
        self.icon.setObjectName("NoveltyIcon")
        self.icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel("")
        self.label.setObjectName("NoveltyText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(8)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def show_verdict(self, unfamiliar: bool, known_classes: int, novelty: float) -> None:
        """Show the notice for an unfamiliar part, hide it for a familiar one."""
        if not unfamiliar:
            self.clear()
            return
        self.label.setText(unfamiliar_text(known_classes))
        self.setToolTip("" if math.isnan(novelty) else
                        f"Novelty {novelty_score(novelty)}: above the threshold shipped with the "
                        "model (higher means less like the parts it was trained on)")
        self.show()

    def clear(self) -> None:
        self.label.setText("")
        self.setToolTip("")
        self.hide()
