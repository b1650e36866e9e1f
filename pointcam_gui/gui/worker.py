"""The only place that crosses threads: one long-lived worker thread owns the Classifier.

The GUI thread (``service``) captures a frozen request with an id and hands it over through a
queued signal; the worker has the part parsed in a child process (``core.isolated_load``: a
crash or a hang in a parser costs one file, and a request that makes the loading one stale
kills the child at once), runs the model on the views the child draws while it still welds the
part (``stages``), paints the heat while the child splits the display mesh at its creases, and
sends back the frozen Analysis. Requests that became stale while waiting in the queue are
skipped, and so is the painting of a part superseded while it was analysed; the window drops
stale results (napari's slicer does the same). The worker never touches widgets or the
plotter.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.isolated_load import IsolatedLoader, LoadCancelledError
from pointcam_gui.gui.requests import AnalysisRequest, AnalysisResult, ModelInfo
from pointcam_gui.gui.stages import (
    EarlyAnalysis,
    Superseded,
    display_of,
    freeze_once,
    paint,
    painted,
)

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.core.classifier import Classifier
    from pointcam_gui.render.shading import DisplayGeometry

log = logging.getLogger(__name__)
KEEP_ANALYSES = 6  # recent analyses of the current part kept on the worker (methods, contrasts)
KEEP_AHEAD = 2  # parts of the part list analysed ahead, kept until they are shown


class AnalysisWorker(QObject):
    """Lives on the worker thread; every slot runs there."""

    progress = Signal(int, str)  # request id, stage text
    finished = Signal(object)  # AnalysisResult
    failed = Signal(int, str, bool)  # request id, one-line message, expected (PointCAMError)?
    model_loaded = Signal(object)  # ModelInfo
    measured = Signal(object, int, object)  # Analysis, target, Faithfulness
    released = Signal()  # a part was let go of: collect garbage (on the GUI thread, see collector)
    coarse_ready = Signal(int, object)  # request id, DisplayGeometry: drawn while moving

    def __init__(self, weights: str | Path | None = None,
                 loader: IsolatedLoader | None = None) -> None:
        super().__init__()
        self.weights = weights
        self.loader = loader or IsolatedLoader(display=display_of, spare=True)
        self.loading: AnalysisRequest | None = None  # the request whose part is being read
        self._classifier: Classifier | None = None
        self._device_choice: str | None = None
        self.latest_id = 0  # written by the GUI thread; an int store is atomic under the GIL
        self.latest_compare_id = 0  # the same for the compare pane's requests
        # The last part read (with its display geometry, once built) and its recent analyses:
        # switching the method or the contrast of the part on screen, or switching back,
        # neither reads the file again nor recomputes.
        self._mesh: tuple[tuple[str, int, int], Any, DisplayGeometry | None] | None = None
        self._analyses: OrderedDict[tuple[object, ...], Analysis] = OrderedDict()
        self.latest_ahead_id = 0  # analysing ahead is its own lane, staled by main requests
        # parts analysed ahead: key -> (mesh, analysis, crease-split geometry)
        self._ahead: OrderedDict[tuple[object, ...], tuple[Any, Analysis, DisplayGeometry]] = (
            OrderedDict())
        # The coarse copy of the big part on screen (render.lod), by display mesh.
        self._coarse: tuple[tuple[object, ...], DisplayGeometry | None] | None = None

    @Slot(str)
    def warm_up(self, device: str) -> None:
        """Import torch and load the model before the first part arrives (errors wait for it)."""
        if self._classifier is not None:
            return
        try:
            self._classifier_for(AnalysisRequest(0, "", device))
        except Exception:  # the first real request reports the problem properly
            log.debug("warm-up failed", exc_info=True)

    @Slot(object, int)
    def measure(self, analysis: Analysis, target: int) -> None:
        """The faithfulness of ``analysis``'s map of ``target`` (the model runs here only)."""
        if self._classifier is None:
            return
        try:
            self.measured.emit(analysis, target, self._classifier.faithfulness(analysis, target))
        except Exception:  # a measurement is a nicety: never fail the window over it
            log.exception("faithfulness of %s failed", analysis.source)

    @Slot()
    def forget(self) -> None:
        """Drop the cached part and analyses: the next request reads and computes afresh."""
        self._mesh = None
        self._analyses.clear()
        self._ahead.clear()
        self._coarse = None
        self.released.emit()

    def stale(self, request: AnalysisRequest) -> bool:
        """Whether a newer request of the same lane has come since: its result would be dropped."""
        return request.id < (self.latest_ahead_id if request.ahead else
                             self.latest_compare_id if request.compare else self.latest_id)

    @Slot(object)
    def run(self, request: AnalysisRequest) -> None:
        if self.stale(request):
            log.debug("skipping stale request %d", request.id)
            return
        try:
            result = self._analyse(request)
            self.finished.emit(result)
            if not request.compare and not request.ahead:
                self._send_coarse(result)
        except LoadCancelledError:
            log.debug("loading for request %d cancelled", request.id)
        except Superseded:
            log.debug("request %d superseded before it was painted", request.id)
        except PointCAMError as exc:
            self.failed.emit(request.id, str(exc), True)
        except Exception as exc:  # a bug, not bad input: keep the traceback in the log
            log.exception("analysis of %s failed", request.path)
            self.failed.emit(request.id, f"{type(exc).__name__}: {exc}", False)

    def _analyse(self, request: AnalysisRequest) -> AnalysisResult:
        name = Path(request.path).name
        classifier = self._classifier_for(request)  # before the part: see stages.freeze_once
        stat = Path(request.path).stat() if Path(request.path).is_file() else None
        file_key = (request.path, stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0)
        key = (file_key, str(classifier.device), request.seed, request.method, request.contrast)
        if request.ahead:
            return self._analyse_ahead(request, key, file_key, classifier)
        load_ms = 0.0
        analysis = self._analyses.get(key)
        if analysis is None and key in self._ahead:  # analysed ahead: now it is the one shown
            mesh, analysis, ahead_geometry = self._ahead.pop(key)
            self._mesh = (file_key, mesh, ahead_geometry)
            self._analyses.clear()
            self.released.emit()
        if analysis is None and (self._mesh is None or self._mesh[0] != file_key):
            self._mesh = None
            self._analyses.clear()  # only the part on screen's: big parts are big
            # trimesh meshes sit in reference cycles (their caches point back at them), so a
            # part let go of is freed only by the cyclic collector, which big arrays do not
            # trigger: ask the GUI thread to collect, so dead parts never pile up.
            self.released.emit()
            self.progress.emit(request.id, f"Loading {name}…")
            t0 = time.perf_counter()
            mesh, analysis, spent_ms, shown = self._read_analysed(
                request, classifier, lambda text: self.progress.emit(request.id, text))
            self._mesh = (file_key, mesh, shown)
            load_ms = (time.perf_counter() - t0) * 1000.0 - spent_ms
        if analysis is None:
            assert self._mesh is not None
            self.progress.emit(request.id, f"Analysing {name}…")
            analysis = classifier.analyse(self._mesh[1], request.seed, source=request.path,
                                          method=request.method, contrast=request.contrast)
        self._remember(key, analysis)
        target = analysis.predicted
        if request.target is not None:
            target = classifier.class_index(request.target)
        # Crease splitting is pure numpy: done here (or in the loader's child), the GUI thread
        # only copies arrays into VTK. One part's geometry serves all its analyses.
        assert self._mesh is not None
        geometry = self._mesh[2]
        stale = partial(self.stale, request)  # seconds for a big part, for a dropped result
        if stale():
            raise Superseded
        if geometry is None:
            geometry = paint(analysis, stale)
            self._mesh = (*self._mesh[:2], geometry)
        else:
            painted(analysis, stale)  # the heat, if the child's display came before it
        return AnalysisResult(request, analysis, target, geometry, load_ms)

    def _analyse_ahead(self, request: AnalysisRequest, key: tuple[object, ...],
                       file_key: tuple[str, int, int], classifier: Classifier
                       ) -> AnalysisResult:
        """The part list's next part, kept here (with its mesh) until it is shown."""
        if key not in self._ahead:
            t0 = time.perf_counter()
            mesh, early, _, shown = self._read_analysed(request, classifier, lambda _: None)
            analysis = early if early is not None else classifier.analyse(
                mesh, request.seed, source=request.path, method=request.method,
                contrast=request.contrast)
            self._ahead[key] = (mesh, analysis,
                                paint(analysis) if shown is None else shown)
            analysis.painted()
            while len(self._ahead) > KEEP_AHEAD:
                self._ahead.popitem(last=False)
                self.released.emit()
            log.debug("analysed %s ahead in %.0f ms", file_key[0],
                      (time.perf_counter() - t0) * 1000)
        _, analysis, geometry = self._ahead[key]
        return AnalysisResult(request, analysis, analysis.predicted, geometry, 0.0)

    def _send_coarse(self, result: AnalysisResult) -> None:
        """After the heat is shown: the coarse copy of a big part, for the moving camera."""
        request, display = result.request, result.analysis.display_mesh
        if request.id < self.latest_id:
            return  # the window has moved on
        key = (request.path, len(display.vertices), len(display.faces))
        if self._coarse is None or self._coarse[0] != key:
            from pointcam_gui.render.lod import level_of_detail

            self._coarse = (key, level_of_detail(display))
        if self._coarse[1] is not None:
            self.coarse_ready.emit(request.id, self._coarse[1])

    def _read_analysed(self, request: AnalysisRequest, classifier: Classifier,
                       say: Callable[[str], None]
                       ) -> tuple[Any, Analysis | None, float, DisplayGeometry | None]:
        """The part, parsed in the loader's child process (the GUI thread may cancel it); its
        analysis, run on the views the child draws before it welds the part, and painted
        while the child builds the display geometry; the milliseconds spent here meanwhile;
        and that geometry (None where the child could not build it)."""
        early = EarlyAnalysis(request, classifier, say, lambda: self.stale(request))
        self.loading = request
        try:
            loaded = self.loader.read(request.path,
                                      classifier.views_key(request.seed, request.method), early,
                                      early.paint)
        finally:
            self.loading = None
        analysis = early.analysis
        if analysis is not None and analysis.part is not loaded.mesh:  # not painted yet
            analysis = replace(analysis, part=loaded.mesh)
        return loaded.mesh, analysis, early.spent_ms, loaded.shown

    def _remember(self, key: tuple[object, ...], analysis: Analysis) -> None:
        self._analyses[key] = analysis
        self._analyses.move_to_end(key)
        while len(self._analyses) > KEEP_ANALYSES:
            self._analyses.popitem(last=False)

    def _classifier_for(self, request: AnalysisRequest) -> Classifier:
        if self._classifier is None or self._device_choice != request.device:
            self.progress.emit(request.id, "Loading the model…")
            from pointcam_gui.core.classifier import Classifier
            from pointcam_gui.core.device import cuda_available
            from pointcam_gui.resources import model_path

            self._classifier = None  # a failed load must not leave the old device half-used
            self._analyses.clear()
            self._ahead.clear()
            self._classifier = Classifier.load(self.weights, request.device)
            self._device_choice = request.device
            freeze_once()
            c = self._classifier
            self.model_loaded.emit(ModelInfo(
                weights=str(self.weights or model_path()), device=str(c.device),
                cuda_available=cuda_available(), class_names=c.class_names,
                num_points=c.num_points, provenance=dict(c.metadata.provenance),
                architecture=dict(c.metadata.architecture)))
        return self._classifier
