"""The GUI thread's side of the worker: one long-lived thread, requests in, results out.

``AnalysisService`` starts the worker's thread, gives every request its id and lane, marks
older requests stale (cancelling a stale part's load at once), holds requests until the window
has painted, and stops the thread cleanly. Results come back as the worker's signals.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD
from pointcam_gui.gui.collector import GuiThreadCollector
from pointcam_gui.gui.requests import AnalysisRequest
from pointcam_gui.gui.worker import AnalysisWorker

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis

log = logging.getLogger(__name__)


class AnalysisService(QObject):
    """The GUI thread's handle on the worker: submit requests, receive results, shut down."""

    submitted = Signal(object)  # AnalysisRequest, as sent (tests count these)
    _dispatch = Signal(object)
    _warm_up = Signal(str)
    _forget = Signal()
    _measure = Signal(object, int)

    def __init__(self, weights: str | Path | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._thread = QThread()
        self._thread.setObjectName("pointcam-analysis")
        self.worker = AnalysisWorker(weights)
        self.worker.moveToThread(self._thread)
        self._dispatch.connect(self.worker.run)  # queued: the receiver lives on the thread
        self._warm_up.connect(self.worker.warm_up)
        self._forget.connect(self.worker.forget)  # queued: runs between requests, in order
        self._measure.connect(self.worker.measure)
        self._held: list[AnalysisRequest] | None = None
        # Before the thread starts: from now on only the GUI thread collects garbage.
        self._collector = GuiThreadCollector(self)
        self.worker.released.connect(self._collector.collect)  # queued: runs on this thread
        self._thread.start()

    def hold(self) -> None:
        """Queue requests here until `release`: the window holds them until it has painted,
        because importing torch on the worker competes with the first paint for the GIL."""
        if self._held is None:
            self._held = []

    def release(self, warm_up_device: str | None = None) -> None:
        held, self._held = self._held or [], None
        self.worker.loader.start()  # its imports overlap the model's
        main = [r for r in held if not r.compare and not r.ahead]
        if main:  # the part opened at launch is read while the worker loads the model
            self._prefetch(main[-1])
        for request in held:
            self._dispatch.emit(request)
        if not held and warm_up_device is not None:
            self._warm_up.emit(warm_up_device)

    def submit(self, path: str | Path, device: str = "auto", target: str | None = None,
               seed: int = 0, method: str = DEFAULT_METHOD, contrast: str | None = None,
               compare: bool = False, ahead: bool = False) -> AnalysisRequest:
        """Queue an analysis. A request makes older ones of its lane stale; a main request
        (a part opened or explained anew) also stales queued compare requests, which the
        window sends again once the main result is shown, and queued analyses ahead, which
        would only delay it."""
        request = AnalysisRequest(next(self._ids), str(path), device, target, seed, method,
                                  contrast, compare, ahead)
        if ahead:
            self.worker.latest_ahead_id = request.id
        else:
            self.worker.latest_compare_id = request.id
        if not compare and not ahead:
            self.worker.latest_id = self.worker.latest_ahead_id = request.id
        self._cancel_stale_load()
        self.submitted.emit(request)
        if self._held is not None:
            self._held.append(request)
        else:
            self._dispatch.emit(request)
        return request

    def _prefetch(self, request: AnalysisRequest) -> None:
        """Have the loader's child read the request's part and draw its views now."""
        from pointcam_gui.core.checkpoint import read_metadata
        from pointcam_gui.core.errors import PointCAMError
        from pointcam_gui.core.prefetch import views_key
        from pointcam_gui.resources import model_path

        try:
            meta = read_metadata(self.worker.weights or model_path())
            key = views_key(meta.num_points, meta.normalization, request.seed, request.method)
        except PointCAMError:
            return  # the worker says what is wrong with the weights when it loads them
        self.worker.loader.prefetch(request.path, key)

    def _cancel_stale_load(self) -> None:
        """A part being read for a request that just became stale is not waited for."""
        loading = self.worker.loading
        if loading is not None and self.worker.stale(loading):
            log.debug("cancelling the load of %s", loading.path)
            self.worker.loader.cancel()

    def forget(self) -> None:
        """Have the worker drop its cache before the next request (Rerun: compute afresh)."""
        self._forget.emit()

    def measure(self, analysis: Analysis, target: int) -> None:
        """Ask for the faithfulness of a shown map; the answer comes as ``worker.measured``."""
        self._measure.emit(analysis, target)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop the thread after the request in progress (torch cannot be interrupted)."""
        if self._thread.isRunning():
            self.worker.latest_id = self.worker.latest_compare_id = 1 << 62  # all stale now
            self.worker.latest_ahead_id = 1 << 62
            self._thread.quit()
            self.worker.loader.cancel()
            if not self._thread.wait(timeout_ms):
                log.warning("analysis thread did not stop within %d ms", timeout_ms)
                return  # still running: automatic collection stays off
        self.worker.loader.close()
        self._collector.stop()
