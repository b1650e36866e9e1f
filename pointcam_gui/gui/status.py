"""The status bar: what is happening now (with a busy indicator), the device really used, and
where the time of the last analysis went."""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QStatusBar

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


class StatusBar(QStatusBar):
    def __init__(self, parent: QMainWindow | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.message = QLabel("Ready")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: the core reports stages, not percentages
        self.progress.setFixedWidth(120)
        self.progress.setFixedHeight(12)
        self.progress.setTextVisible(False)
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
