"""The faithfulness of the map on screen: a button that asks the worker to measure it, then the
deletion and insertion curves of the map against random points and its score. Measured on
demand (it runs the model again); the view remembers what was measured for the analysis on
screen, per class, until the next analysis (``reset``)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pointcam_gui.core.classes import percent

if TYPE_CHECKING:
    from pointcam_gui.core.explain.faithfulness import Faithfulness


class CurvePlot(QWidget):
    """One faithfulness curve: the target's probability (0..1, up) against the share of points
    moved or kept (right), the map's order in the accent colour and random orders in grey, with
    a title and the axes' ends labelled (the key and the axes' names are the view's)."""

    def __init__(self, title: str, x_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setToolTip(f"{title}: the probability of the class (up) as the share of {x_label} "
                        "grows (right)")
        self.setMinimumHeight(104)
        self._curves: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.accent, self.muted = QColor("#2563eb"), QColor("#9aa3b2")

    def set_curves(self, fractions: np.ndarray | None, by_map: np.ndarray | None = None,
                   random: np.ndarray | None = None) -> None:
        self._curves = (None if fractions is None or by_map is None or random is None
                        else (fractions, by_map, random))
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = QFontMetricsF(painter.font())
        line_h = metrics.height()
        label_w = metrics.horizontalAdvance("1.0") + 4
        box = QRectF(self.rect()).adjusted(label_w, line_h + 2, -6, -line_h - 6)
        painter.setPen(text)
        painter.drawText(QRectF(box.left(), 0, box.width(), line_h),
                         Qt.AlignmentFlag.AlignLeft, self.title)
        for y, label in ((box.top(), "1"), (box.bottom(), "0")):
            painter.drawText(QRectF(0, y - line_h / 2, label_w - 4, line_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        span = float(self._curves[0][-1]) if self._curves is not None else 0.5
        painter.drawText(QRectF(box.left(), box.bottom() + 2, box.width(), line_h),
                         Qt.AlignmentFlag.AlignRight, f"{100 * span:.0f} %")
        painter.drawText(QRectF(box.left(), box.bottom() + 2, box.width(), line_h),
                         Qt.AlignmentFlag.AlignLeft, "0")
        painter.setPen(QPen(self.muted, 1))
        painter.drawLine(box.bottomLeft(), box.bottomRight())
        painter.drawLine(box.bottomLeft(), box.topLeft())
        if self._curves is not None:
            fractions, by_map, random = self._curves
            for values, color in ((random, self.muted), (by_map, self.accent)):
                line = QPolygonF([QPointF(box.left() + box.width() * float(x) / (span or 1.0),
                                          box.bottom() - box.height() * float(y))
                                  for x, y in zip(fractions, values, strict=True)])
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
        # Deletion: the hottest points moved first should take the probability down fastest.
        # Insertion: kept first, they should bring it back fastest. The score is the deletion gap.
        self.deletion = CurvePlot("Deletion", "points moved to the centroid, hottest first")
        self.insertion = CurvePlot("Insertion", "points kept, hottest first")
        self.key = QLabel("<span style='color:#2563eb'>━</span> this map&nbsp;&nbsp; "
                          "<span style='color:#9aa3b2'>━</span> random points")
        self.key.setObjectName("Muted")
        self.curves = QWidget()
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.deletion)
        plots.addWidget(self.insertion)
        stack = QVBoxLayout(self.curves)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(6)
        stack.addLayout(plots)
        stack.addWidget(self.key)
        self.curves.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Faithfulness"))
        row.addWidget(self.score, 1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.curves)

        self._measured: dict[int, Faithfulness] = {}  # by class, for the analysis on screen
        self._measuring: set[int] = set()
        self._target = -1

    # what has been measured -------------------------------------------------------------
    def reset(self, target: int) -> None:
        """Another analysis on screen: its maps have not been measured."""
        self._measured.clear()
        self._measuring.clear()
        self.show_target(target)

    def should_measure(self, target: int) -> bool:
        """True (and from now on busy for it) unless ``target``'s map is measured or being so."""
        if target in self._measured or target in self._measuring:
            return False
        self._measuring.add(target)
        self.show_target(target)
        return True

    def measured(self, target: int, result: Faithfulness) -> None:
        self._measuring.discard(target)
        self._measured[target] = result
        self.show_target(self._target)

    def show_target(self, target: int) -> None:
        """Show what is known of ``target``'s map: its measure, busy, or nothing yet."""
        self._target = target
        if target in self._measured:
            self.show_result(self._measured[target])
        elif target in self._measuring:
            self.show_busy()
        else:
            self.clear()

    # showing ---------------------------------------------------------------------------
    def clear(self) -> None:
        """A new map on screen: nothing measured for it yet."""
        self.button.setEnabled(True)
        self.score.setText("")
        self.deletion.set_curves(None)
        self.insertion.set_curves(None)
        self.curves.hide()

    def show_result(self, result: Faithfulness) -> None:
        self.button.setEnabled(True)
        kept, random = (escape(percent(p, 0)).replace(" ", "&nbsp;")  # one line each
                        for p in (result.deletion[-1], result.deletion_random[-1]))
        self.score.setText(f"<b>{result.score:+.2f}</b> — half the hottest points gone: "
                           f"{kept} kept, random {random}")
        self.score.setToolTip("The mean gap between the two curves (probability kept when "
                              "random points move minus when the map's hottest points move)")
        self.deletion.set_curves(result.fractions, result.deletion, result.deletion_random)
        self.insertion.set_curves(result.fractions, result.insertion, result.insertion_random)
        self.curves.show()

    def show_busy(self) -> None:
        self.button.setEnabled(False)
        self.score.setText("measuring…")
        self.curves.hide()

    def _on_click(self) -> None:
        self.requested.emit()  # the window asks should_measure, which shows it busy
