"""The status bar: what is happening now (with a busy indicator), the device really used, and
where the time of the last analysis went.

The busy indicator moves a few times a second rather than at the style's frame rate: a window
holding an OpenGL viewport is composed by OpenGL, so every change anywhere in it redraws the
whole window, and under software OpenGL Qt's indeterminate progress bar cost 80 % of a core
(measured, 2 cores, llvmpipe) while the part it waited for was being read on the same cores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QHideEvent, QPainter, QPaintEvent, QPalette, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStatusBar, QWidget

FLASH_MS = 10_000
NOVELTY_TIP = ("Novelty: how unlike the parts the model was trained on (higher is less alike); "
               "above the threshold shipped with the model the part is called unfamiliar")
_TIMING_LABELS = (("load", "load"), ("sample", "sample"), ("forward", "forward"),
                  ("explain", "explain"), ("refine", "refine"), ("heatmap", "heat map"),
                  ("display", "display"))  # refine: the display mesh, built for the picture


def format_timings(timings: Mapping[str, float]) -> str:
    parts = [f"{label} {timings[key]:.0f} ms" for key, label in _TIMING_LABELS if key in timings]
    return "  ·  ".join(parts)


def novelty_score(novelty: float) -> str:
    """Three significant figures: the methods' scales differ (1 - probability, distances)."""
    return f"{novelty:.0f}" if abs(novelty) >= 1000 else f"{novelty:.3g}"


def format_novelty(novelty: float, unfamiliar: bool) -> str:
    """'novelty 12.3 (unfamiliar)', or '' when the weights ship no novelty method (NaN)."""
    if math.isnan(novelty):
        return ""
    return f"novelty {novelty_score(novelty)}" + (" (unfamiliar)" if unfamiliar else "")


class BusyIndicator(QWidget):
    """A block sliding to and fro along a track while something runs, STEPS_PER_S moves a
    second; its timer runs only while it is shown."""

    STEPS_PER_S = 5
    POSITIONS = 8  # where the block stands, left to right (it spans a quarter of the track)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(120, 12)
        self.setAccessibleName("Working")  # what a screen reader says of a moving block
        self.setToolTip("Working…")
        self.step = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000 // self.STEPS_PER_S)
        self.timer.timeout.connect(self._advance)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.step = 0
        self.timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        self.timer.stop()

    def _advance(self) -> None:
        self.step = (self.step + 1) % (2 * self.POSITIONS - 2)
        self.update()

    def position(self) -> int:
        """0 … POSITIONS - 1: out along the track, then back."""
        return self.step if self.step < self.POSITIONS else 2 * self.POSITIONS - 2 - self.step

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QRectF(self.rect()).adjusted(0.5, 2.5, -0.5, -2.5)
        radius = track.height() / 2
        painter.setBrush(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(track, radius, radius)
        width = track.width() / 4
        left = track.left() + self.position() * (track.width() - width) / (self.POSITIONS - 1)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(QRectF(left, track.top(), width, track.height()), radius, radius)


class StatusBar(QStatusBar):
    def __init__(self, parent: QMainWindow | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.message = QLabel("Ready")
        self.progress = BusyIndicator()  # the core reports stages, not percentages
        self.progress.hide()
        self.timings = QLabel("")
        self.device = QLabel("")
        self.addWidget(self.message, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.timings)
        self.addPermanentWidget(self.device)

    @property
    def is_busy(self) -> bool:
        return not self.progress.isHidden()

    def busy(self, text: str) -> None:
        self.clearMessage()
        self.message.setText(text)
        self.message.setToolTip("")
        self.progress.show()

    def idle(self, text: str) -> None:
        self.progress.hide()
        self.message.setText(text)
        self.message.setToolTip("")

    def show_result(self, summary: str, novelty: float, unfamiliar: bool) -> None:
        """The shown part's one-line summary, with its novelty when the weights score it."""
        verdict = format_novelty(novelty, unfamiliar)
        self.idle(f"{summary}  ·  {verdict}" if verdict else summary)
        self.message.setToolTip(NOVELTY_TIP if verdict else "")

    def flash(self, text: str) -> None:
        """A short-lived message (unexpected errors): shown, then it goes away by itself."""
        self.showMessage(text, FLASH_MS)

    def set_device(self, device: str, confirmed: bool) -> None:
        name = device.upper() if device in {"cpu", "cuda"} else device
        self.device.setText(f"Device: {name}" if confirmed else f"Device: {name} (requested)")
        self.device.setToolTip("The device the last analysis really ran on" if confirmed
                               else "The model has not run yet")

    def set_timings(self, timings: Mapping[str, float]) -> None:
        self.timings.setText(format_timings(timings))
        total = timings.get("total")
        self.timings.setToolTip(f"Model pipeline total: {total:.0f} ms" if total else "")
