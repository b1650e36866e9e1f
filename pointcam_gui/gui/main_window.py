"""The main window: what is asked for and what is shown, and the slots that change them.

The window holds the current Analysis and target; everything it shows comes from the core's one
pipeline through the worker. Switching the target is a lookup in that Analysis. Its widgets are
made in ``layout``, connected in ``wiring`` and styled in ``appearance``; ``presenting`` tells
the worker's current answers from stale ones and shows them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QSplitter

from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD
from pointcam_gui.gui import appearance, layout, presenting, wiring
from pointcam_gui.gui.actions import build_menus
from pointcam_gui.gui.compare import ComparePane
from pointcam_gui.gui.opengl import install_gl_format
from pointcam_gui.gui.panels import SidePanel
from pointcam_gui.gui.part_browser import PartBrowser, parts_to_open
from pointcam_gui.gui.part_list import PartList
from pointcam_gui.gui.requests import AnalysisRequest, AnalysisResult, ModelInfo
from pointcam_gui.gui.service import AnalysisService
from pointcam_gui.gui.settings import Settings
from pointcam_gui.gui.status import StatusBar
from pointcam_gui.gui.viewport import Viewport
from pointcam_gui.gui.welcome import WelcomePage
from pointcam_gui.render.style import SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.core.explain.faithfulness import Faithfulness
    from pointcam_gui.render.shading import DisplayGeometry

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1400, 900)


class MainWindow(QMainWindow):
    analysis_shown = Signal(object)  # AnalysisResult, after the viewport and panel show it
    analysis_failed = Signal(str, bool)  # the current request's one-line message, expected?
    faithfulness_measured = Signal(object)  # Faithfulness of the map on screen, once shown
    compare_shown = Signal(object)  # AnalysisResult, once the compare pane shows it

    # made by layout.build
    panel: SidePanel
    welcome: WelcomePage
    viewport: Viewport
    compare: ComparePane
    views: QSplitter  # the viewport and the compare pane
    part_list: PartList
    parts: PartBrowser
    status: StatusBar

    def __init__(self, settings: Settings | None = None, weights: str | Path | None = None,
                 device: str | None = None, *, remember: bool = True,
                 dark: bool | None = None) -> None:
        install_gl_format()  # before this top-level window exists
        super().__init__()
        self.settings = settings or Settings()
        self.remember = remember  # False: leave settings alone (--screenshot runs)
        self.suppress_dialogs = False  # True: report failures by signal only (automation)
        self.device = device or self.settings.device
        self.analysis: Analysis | None = None
        self.target = -1
        self.method = DEFAULT_METHOD  # the explanation method new analyses use
        self.contrast = -1  # a class to contrast the target with, or -1
        self.model_info: ModelInfo | None = None
        self.notice: str | None = None  # said in the status bar once the next result shows
        self.pending_request: AnalysisRequest | None = None  # the newest, until it is answered
        self.shown_request: AnalysisRequest | None = None  # whose analysis is on screen
        self._started = False
        self.scene_style = SceneStyle(cmap=self.settings.colormap,
                                      dark=self.settings.dark if dark is None else dark)

        self.setWindowTitle("PointCAM")
        self.service = AnalysisService(weights, self)
        worker = self.service.worker
        worker.finished.connect(self._on_result)
        worker.failed.connect(self._on_failed)
        worker.progress.connect(self._on_progress)
        worker.model_loaded.connect(self._on_model_loaded)
        worker.measured.connect(self._on_measured)  # the faithfulness of the map on screen
        worker.coarse_ready.connect(self._on_coarse)
        layout.build(self)
        self.status.set_device(self.device, confirmed=False)
        self.menu_actions = build_menus(self)
        wiring.connect(self)
        self._drops = layout.FileDrops(self, self.open_paths)
        appearance.theme_window(self)
        self.resize(*DEFAULT_SIZE)
        if remember and (geometry := self.settings.geometry) is not None:
            self.restoreGeometry(geometry)
        presenting.enable_analysis_actions(self, False)
        self._set_part_actions()
        # Import VTK and start torch only once the window is on screen (first paint), or after
        # a while if it is never shown.
        self.service.hold()
        self._first_paint = layout.after_first_paint(self.panel, self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._started:
            return
        self._started = True
        log.debug("window painted at %.3f", time.time())  # benchmarks/bundle_bench.py reads it
        self.service.release(warm_up_device=self.device)
        # The 3D stack takes about a second to import: do it once the window is on screen.
        self.viewport.ensure_plotter()
        self.viewport.set_style(self.scene_style)

    # opening ------------------------------------------------------------------------------
    def open_paths(self, paths: Sequence[str | Path]) -> AnalysisRequest | None:
        """Open one part, or fill the part list with several (folders are walked) and show the
        first; the next ones are then analysed ahead, so stepping through them is quick."""
        from pointcam_gui.core.errors import PointCAMError

        try:
            files = parts_to_open(paths)
        except PointCAMError as exc:
            presenting.refuse(self, str(exc))
            return None
        if len(files) > 1 or any(Path(p).is_dir() for p in paths):
            self.parts.fill(files)
        return self.open_path(files[0])

    def open_path(self, path: str | Path, target: str | None = None) -> AnalysisRequest:
        """Analyse `path` on the worker; the newest request wins, older results are dropped.
        A part outside the part list closes the list."""
        self.parts.follow(str(path))
        self._set_part_actions()
        request = self.service.submit(path, target=target, **self.request_options())
        self.pending_request = request
        self.status.busy(f"Opening {Path(path).name}…")
        return request

    def request_options(self) -> dict[str, Any]:
        return {"device": self.device, "method": self.method,
                "contrast": str(self.contrast) if self.contrast >= 0 else None}

    def step_part(self, step: int) -> None:
        """PageDown / PageUp: the next or previous part of the part list."""
        current = self.pending_request or self.shown_request
        base = self.part_list.current() or (current.path if current else None)
        nxt = self.parts.neighbour(base, step)
        if nxt is not None:
            self.open_path(nxt)

    def _set_part_actions(self) -> None:
        self.menu_actions.next_part.setEnabled(self.parts.active)
        self.menu_actions.previous_part.setEnabled(self.parts.active)

    def rerun(self) -> None:
        if self.shown_request is not None:
            self.service.forget()
            self.open_path(self.shown_request.path)

    def set_method(self, name: str) -> None:
        """Explain the part on screen (and the next ones) with another method, same target;
        the worker computes it once per part, after that switching back is a lookup."""
        if name == self.method:
            return
        self.method = name
        self.panel.method_picker.set_method(name)
        self._reexplain()

    def set_contrast(self, contrast: int) -> None:
        if contrast == self.contrast:
            return
        self.contrast = contrast
        self._reexplain()

    def _reexplain(self) -> None:
        # A part still loading is the one to explain anew, not the one it is replacing.
        if self.pending_request is not None:
            self.open_path(self.pending_request.path, self.pending_request.target)
        elif self.shown_request is not None:
            self.open_path(self.shown_request.path, str(self.target) if self.target >= 0 else None)

    def set_device(self, name: str) -> None:
        if name == self.device:
            return
        self.device = name
        if self.remember:
            self.settings.device = name
        self.menu_actions.devices[name].setChecked(True)
        self.status.set_device(name, confirmed=False)
        self.rerun()

    def set_compare(self, on: bool) -> None:
        """Show or hide the compare pane beside the viewport (View › Compare Side by Side)."""
        appearance.show_compare(self, on)

    # results: presenting tells the current from the stale and shows them ------------------
    def _on_coarse(self, request_id: int, geometry: DisplayGeometry) -> None:
        presenting.show_coarse(self, request_id, geometry)

    def _on_result(self, result: AnalysisResult) -> None:
        presenting.take_result(self, result)

    def _on_failed(self, request_id: int, message: str, expected: bool) -> None:
        presenting.take_failure(self, request_id, message, expected)

    def _on_progress(self, request_id: int, text: str) -> None:
        presenting.show_progress(self, request_id, text)

    def _on_measured(self, analysis: Analysis, target: int, result: Faithfulness) -> None:
        presenting.show_measured(self, analysis, target, result)

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.model_info = info
        presenting.show_model(self, info)

    # target and view ----------------------------------------------------------------------
    def set_target(self, target: int) -> None:
        """Paint another class's heat from the cached maps: no new inference."""
        if self.analysis is None or target == self.target:
            return
        self.target = target
        self.viewport.set_target(self.analysis, target)
        self.panel.set_target(target)
        self.panel.faithfulness.show_target(target)

    def set_style(self, style: SceneStyle) -> None:
        appearance.restyle(self, style)

    def set_camera(self, preset: str) -> None:
        appearance.set_camera(self, preset)

    def set_parallel(self, on: bool) -> None:
        appearance.set_parallel(self, on)

    # closing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.remember:
            self.settings.geometry = QByteArray(self.saveGeometry())
            self.settings.sync()
        self.service.shutdown()
        self.compare.shutdown()
        self.viewport.shutdown()
        super().closeEvent(event)

