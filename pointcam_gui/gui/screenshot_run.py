"""`pointcam-gui PART --screenshot OUT.png`: wait for the analysis, save the window, quit.

For docs and automation, like F3D's --output: the picture is the whole window (side panel and
the heat-coloured part), and the exit code says whether it worked.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from pointcam_gui.gui.exporting import grab_window, save_qimage_atomic
from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.gui.requests import AnalysisResult

log = logging.getLogger(__name__)
SETTLE_MS = 300  # let the layout and the first frames settle before grabbing


class ScreenshotRun(QObject):
    def __init__(self, window: MainWindow, out: Path, timeout_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.out = out
        self.exit_code = 1
        window.analysis_shown.connect(self._on_shown)
        window.analysis_failed.connect(self._on_failed)
        window.suppress_dialogs = True
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(
            lambda: self._finish(1, f"no analysis after {timeout_ms / 1000:.0f} s"))
        self._timeout.start(timeout_ms)

    def _on_shown(self, _result: AnalysisResult) -> None:
        QTimer.singleShot(SETTLE_MS, self._grab)

    def _grab(self) -> None:
        try:
            save_qimage_atomic(grab_window(self.window), self.out)
        except Exception as exc:  # report, never hang: automation is waiting on the exit code
            log.debug("screenshot failed", exc_info=True)
            self._finish(1, f"cannot save {self.out}: {exc}")
            return
        self._finish(0, None)

    def _on_failed(self, message: str, expected: bool) -> None:
        self._finish(2 if expected else 1, message)

    def _finish(self, code: int, message: str | None) -> None:
        self._timeout.stop()
        self.exit_code = code
        if message:
            print(f"pointcam-gui: {message}", file=sys.stderr)
        self.window.close()
        QApplication.quit()
