"""The page shown before any part is open: what to do next, with the shipped samples one click away.

It is also what the viewport shows while the 3D stack is still importing, so the window paints
at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def sample_title(path: Path) -> str:
    """'ball_bearing.stl' -> 'Ball bearing'."""
    return path.stem.replace("_", " ").capitalize()


class WelcomePage(QWidget):
    open_requested = Signal()
    sample_requested = Signal(str)

    def __init__(self, icon: QPixmap | None, samples: Sequence[Path],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Welcome")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        column = QVBoxLayout(self)
        column.addStretch(3)
        if icon is not None and not icon.isNull():
            logo = QLabel()
            logo.setPixmap(icon.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation))
            logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(logo)
            column.addSpacing(10)
        title = QLabel("Open a CAD part")
        title.setObjectName("WelcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel("PointCAM names its mechanical-part class and paints the Grad-CAM\n"
                      "evidence for that decision on the part. Drop a file here, or")
        text.setObjectName("WelcomeText")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(title)
        column.addWidget(text)
        column.addSpacing(12)
        open_button = QPushButton("Open a part…")
        open_button.setDefault(True)
        open_button.setMinimumWidth(180)
        open_button.clicked.connect(self.open_requested)
        column.addWidget(open_button, 0, Qt.AlignmentFlag.AlignCenter)
        if samples:
            column.addSpacing(18)
            caption = QLabel("or try a sample")
            caption.setObjectName("WelcomeText")
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(caption)
            grid = QGridLayout()
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(6)
            for i, path in enumerate(samples):
                button = QPushButton(sample_title(path))
                button.setFlat(False)
                button.setMinimumWidth(130)
                button.clicked.connect(
                    lambda _=False, p=str(path): self.sample_requested.emit(p))
                grid.addWidget(button, i // 4, i % 4)
            holder = QWidget()
            holder.setLayout(grid)
            column.addWidget(holder, 0, Qt.AlignmentFlag.AlignCenter)
        column.addStretch(4)
