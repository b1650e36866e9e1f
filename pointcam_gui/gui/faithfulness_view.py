"""The faithfulness of the map on screen: a button that asks the worker to measure it, then the
deletion curve of the map against random points and its score. Measured on demand (it runs the
model again), remembered by the window per part, method and class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from pointcam_gui.core.explain.faithfulness import Faithfulness


class DeletionCurve(QWidget):
    """Probability kept (0..1, up) as the share of points moved grows (0..50 %, right): the map's
    order in the accent colour, random orders in grey."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(64)
        self._result: Faithfulness | None = None
        self.accent, self.muted = QColor("#2563eb"), QColor("#9aa3b2")

    def set_result(self, result: Faithfulness | None) -> None:
        self._result = result
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(2, 4, -2, -4)
        painter.setPen(QPen(self.muted, 1))
        painter.drawLine(box.bottomLeft(), box.bottomRight())
        painter.drawLine(box.bottomLeft(), box.topLeft())
        if self._result is not None:
            f = self._result
            span = float(f.fractions[-1]) or 1.0
            for values, color in ((f.deletion_random, self.muted), (f.deletion, self.accent)):
                line = QPolygonF([QPointF(box.left() + box.width() * float(x) / span,
                                          box.bottom() - box.height() * float(y))
                                  for x, y in zip(f.fractions, values, strict=True)])
                painter.setPen(QPen(color, 2))
                painter.drawPolyline(line)
        painter.end()


class FaithfulnessView(QWidget):
    requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton("Measure")
        self.button.setToolTip("Move the map's hottest points to the centroid, then random "
                               "points, and compare how much probability the model keeps")
        self.button.clicked.connect(self._on_click)
        self.score = QLabel("")
        self.score.setObjectName("Muted")
        self.score.setWordWrap(True)
        self.curve = DeletionCurve()
        self.curve.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Faithfulness"))
        row.addWidget(self.score, 1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.curve)

    def clear(self) -> None:
        """A new map on screen: nothing measured for it yet."""
        self.button.setEnabled(True)
        self.score.setText("")
        self.curve.set_result(None)
        self.curve.hide()

    def show_result(self, result: Faithfulness) -> None:
        self.button.setEnabled(True)
        kept, random = 100 * result.deletion[-1], 100 * result.deletion_random[-1]
        self.score.setText(f"<b>{result.score:+.2f}</b> — half the hottest points gone: "
                           f"{kept:.0f} % kept, random {random:.0f} %")
        self.score.setToolTip("The mean gap between the two curves (probability kept when "
                              "random points move minus when the map's hottest points move)")
        self.curve.set_result(result)
        self.curve.show()

    def show_busy(self) -> None:
        self.button.setEnabled(False)
        self.score.setText("measuring…")
        self.curve.hide()

    def _on_click(self) -> None:
        self.show_busy()
        self.requested.emit()
