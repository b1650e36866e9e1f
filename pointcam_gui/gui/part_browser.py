"""Stepping through many parts: the part list's bookkeeping, and analysing the next parts ahead.

The main window opens parts; this object decides what the list shows and which part the worker
analyses ahead (one at a time, up to ``KEEP_AHEAD`` past the part on screen, only while the
window waits for nothing), so that PageDown finds its part already analysed on the worker.
Results of analyses ahead fill the list's class column; a part that cannot be read is greyed
there with its reason instead of a dialog per bad file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from pointcam_gui.gui.part_list import PartList
from pointcam_gui.gui.requests import AnalysisResult
from pointcam_gui.gui.service import AnalysisService
from pointcam_gui.gui.worker import KEEP_AHEAD


def parts_to_open(paths: Sequence[str | Path]) -> list[Path]:
    """The part files named or found (folders are walked) in ``paths``: at least one, or a
    PointCAMError that says why there is none."""
    from pointcam_gui.core.batch import find_parts
    from pointcam_gui.core.errors import PointCAMError

    files, _ = find_parts(paths)
    if not files:
        raise PointCAMError(f"{', '.join(Path(p).name for p in paths)}: no CAD parts in it")
    return files


# the window's current request options: device, method and contrast of new analyses
Options = Callable[[], dict[str, Any]]


class PartBrowser(QObject):
    def __init__(self, service: AnalysisService, part_list: PartList, options: Options,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.list = part_list
        self._options = options
        self._pending: dict[int, str] = {}  # ids of analyses ahead in flight -> path
        self._ready: set[tuple[str, str]] = set()  # (path, options) analysed ahead or shown

    @property
    def active(self) -> bool:
        return len(self.list.paths) > 1

    def fill(self, files: Sequence[str | Path]) -> None:
        self.list.set_parts([str(f) for f in files])
        self.list.show()
        self._ready.clear()

    def follow(self, path: str) -> None:
        """A part is being opened: select it, or close the list if it is not one of its parts.
        A main request stales the analyses ahead queued on the worker."""
        self._pending.clear()
        if path in self.list:
            self.list.set_current(path)
        elif self.list.paths:
            self.list.clear()
            self.list.hide()
            self._ready.clear()

    def neighbour(self, path: str | None, step: int) -> str | None:
        return self.list.neighbour(path, step)

    def shown(self, result: AnalysisResult) -> None:
        """The window shows ``result``: note it, then analyse the next part ahead."""
        self._note(result)
        self.analyse_ahead(result.request.path)

    def take_result(self, result: AnalysisResult) -> bool:
        """True if ``result`` was an analysis ahead (whatever became of it)."""
        if not result.request.ahead:
            return False
        if self._pending.pop(result.request.id, None) is not None:
            self._note(result)
            self.analyse_ahead(None)
        return True

    def take_failure(self, request_id: int, message: str) -> bool:
        path = self._pending.pop(request_id, None)
        if path is None:
            return False
        self.list.set_error(path, message)
        self._ready.add((path, self._key()))
        self.analyse_ahead(None)
        return True

    def failed(self, path: str, message: str) -> bool:
        """The part the window asked for cannot be read: True if the list says so instead."""
        if path not in self.list:
            return False
        self.list.set_error(path, message)
        return True

    def analyse_ahead(self, shown: str | None) -> None:
        """Ask for the next part past ``shown`` (default: the list's current part) that is not
        analysed with the window's current options, if nothing else is in flight."""
        if self._pending or not self.active:
            return
        path: str | None = shown or self.list.current()
        for _ in range(KEEP_AHEAD):
            path = self.list.neighbour(path, +1)
            if path is None:
                return
            if (path, self._key()) not in self._ready:
                request = self.service.submit(path, ahead=True, **self._options())
                self._pending[request.id] = path
                return

    def _note(self, result: AnalysisResult) -> None:
        a = result.analysis
        self.list.set_result(result.request.path, a.predicted_name,
                             float(a.probabilities[a.predicted]), a.unfamiliar)
        self._ready.add((result.request.path, self._key()))

    def _key(self) -> str:
        return repr(sorted(self._options().items()))
