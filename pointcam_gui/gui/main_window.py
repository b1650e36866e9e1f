"""The main window: side panel, viewport and worker. Drops stale results by request id.

The window holds the current Analysis and target; everything it shows comes from the core's one
pipeline through the worker. Switching the target is a lookup in that Analysis.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QSplitter,
    QWidget,
)

from pointcam_gui import resources
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD, method_info
from pointcam_gui.gui import dialogs, presenting, wiring
from pointcam_gui.gui.actions import build_menus
from pointcam_gui.gui.compare import ComparePane
from pointcam_gui.gui.opengl import install_gl_format
from pointcam_gui.gui.panels import SidePanel
from pointcam_gui.gui.part_browser import PartBrowser
from pointcam_gui.gui.part_list import PartList
from pointcam_gui.gui.requests import AnalysisRequest, AnalysisResult, ModelInfo
from pointcam_gui.gui.service import AnalysisService
from pointcam_gui.gui.settings import Settings
from pointcam_gui.gui.status import StatusBar
from pointcam_gui.gui.theme import apply_theme, theme_for
from pointcam_gui.gui.viewport import Viewport
from pointcam_gui.gui.welcome import WelcomePage
from pointcam_gui.render.style import SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.core.explain.faithfulness import Faithfulness
    from pointcam_gui.render.shading import DisplayGeometry

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1400, 900)
FIRST_PAINT_FALLBACK_MS = 2000


class _FirstPaint(QObject):
    """Calls `then` (on the next loop turn) after `widget` first paints."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


class MainWindow(QMainWindow):
    analysis_shown = Signal(object)  # AnalysisResult, after the viewport and panel show it
    analysis_failed = Signal(str, bool)  # the current request's one-line message, expected?
    faithfulness_measured = Signal(object)  # Faithfulness of the map on screen, once shown
    compare_shown = Signal(object)  # AnalysisResult, once the compare pane shows it

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
        self._notice: str | None = None  # said in the status bar once the next result shows
        self._pending: AnalysisRequest | None = None
        self._started = False
        self._shown: AnalysisRequest | None = None
        self._style = SceneStyle(cmap=self.settings.colormap,
                                 dark=self.settings.dark if dark is None else dark)

        self.setWindowTitle("PointCAM")
        icon = resources.icon_path()
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.service = AnalysisService(weights, self)
        worker = self.service.worker
        worker.finished.connect(self._on_result)
        worker.failed.connect(self._on_failed)
        worker.progress.connect(self._on_progress)
        worker.model_loaded.connect(self._on_model_loaded)
        worker.measured.connect(self._on_measured)
        worker.coarse_ready.connect(self._on_coarse)

        self.panel = SidePanel(self._style)
        self.welcome = WelcomePage(QIcon(str(icon)).pixmap(128, 128) if icon.is_file() else None,
                                   wiring.samples())
        self.viewport = Viewport(self.welcome)
        self.compare = ComparePane(self.service, self.viewport, self._style)
        self.compare.shown.connect(self.compare_shown)
        self.compare.hide()
        self._views = views = QSplitter(Qt.Orientation.Horizontal)
        views.setChildrenCollapsible(False)
        views.addWidget(self.viewport)
        views.addWidget(self.compare)
        self.part_list = PartList()
        self.part_list.hide()
        self.part_list.part_chosen.connect(self.open_path)
        self.parts = PartBrowser(self.service, self.part_list, self._request_options, self)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.part_list)
        row.addWidget(views, 1)
        row.addWidget(self.panel)
        self.setCentralWidget(central)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.status.set_device(self.device, confirmed=False)
        self.menu_actions = build_menus(self)
        wiring.connect(self)
        self.setAcceptDrops(True)
        self._apply_theme()
        self.resize(*DEFAULT_SIZE)
        if remember and (geometry := self.settings.geometry) is not None:
            self.restoreGeometry(geometry)
        self._set_analysis_actions(False)
        self._set_part_actions()
        # Import VTK and start torch only once the window is on screen (first paint), or after
        # a while if it is never shown.
        self.service.hold()
        self._first_paint = _FirstPaint(self.panel, self._after_first_paint)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._started:
            return
        self._started = True
        log.debug("window painted at %.3f", time.time())  # benchmarks/bundle_bench.py reads it
        self.service.release(warm_up_device=self.device)
        # The 3D stack takes about a second to import: do it once the window is on screen.
        self.viewport.ensure_plotter()
        self.viewport.set_style(self._style)

    # opening ------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        from pointcam_gui.core.mesh_io import FILE_FILTER

        paths, _ = QFileDialog.getOpenFileNames(self, "Open CAD parts", self.settings.last_folder,
                                                f"{FILE_FILTER};;All files (*)")
        if paths:
            self.open_paths(paths)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of CAD parts",
                                                  self.settings.last_folder)
        if folder:
            self.open_paths([folder])

    def open_paths(self, paths: Sequence[str | Path]) -> AnalysisRequest | None:
        """Open one part, or fill the part list with several (folders are walked) and show the
        first; the next ones are then analysed ahead, so stepping through them is quick."""
        from pointcam_gui.core.batch import find_parts
        from pointcam_gui.core.errors import PointCAMError

        try:
            files, _ = find_parts(paths)
            if not files:
                where = ", ".join(Path(p).name for p in paths)
                raise PointCAMError(f"{where}: no CAD parts in it")
        except PointCAMError as exc:
            if self.suppress_dialogs:
                self.analysis_failed.emit(str(exc), True)
            else:
                dialogs.show_error(self, "Cannot open", str(exc))
            return None
        if len(files) > 1 or any(Path(p).is_dir() for p in paths):
            self.parts.fill(files)
        return self.open_path(files[0])

    def open_path(self, path: str | Path, target: str | None = None) -> AnalysisRequest:
        """Analyse `path` on the worker; the newest request wins, older results are dropped.
        A part outside the part list closes the list."""
        self.parts.follow(str(path))
        self._set_part_actions()
        request = self.service.submit(path, target=target, **self._request_options())
        self._pending = request
        self.status.busy(f"Opening {Path(path).name}…")
        return request

    def _request_options(self) -> dict[str, Any]:
        return {"device": self.device, "method": self.method,
                "contrast": str(self.contrast) if self.contrast >= 0 else None}

    def step_part(self, step: int) -> None:
        """PageDown / PageUp: the next or previous part of the part list."""
        current = self._pending or self._shown
        base = self.part_list.current() or (current.path if current else None)
        nxt = self.parts.neighbour(base, step)
        if nxt is not None:
            self.open_path(nxt)

    def _set_part_actions(self) -> None:
        self.menu_actions.next_part.setEnabled(self.parts.active)
        self.menu_actions.previous_part.setEnabled(self.parts.active)

    def rerun(self) -> None:
        if self._shown is not None:
            self.service.forget()
            self.open_path(self._shown.path)

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
        if self._pending is not None:
            self.open_path(self._pending.path, self._pending.target)
        elif self._shown is not None:
            self.open_path(self._shown.path, str(self.target) if self.target >= 0 else None)

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
        self.menu_actions.compare.blockSignals(True)
        self.menu_actions.compare.setChecked(on)
        self.menu_actions.compare.blockSignals(False)
        self.compare.setVisible(on)
        if on:
            half = self._views.width() // 2
            self._views.setSizes([half, half])
        if on and self.analysis is not None and self._shown is not None:
            self.compare.follow(self._shown.path, self.device, self.analysis)

    # results ------------------------------------------------------------------------------
    def _on_coarse(self, request_id: int, geometry: DisplayGeometry) -> None:
        if self._shown is not None and self._shown.id == request_id and self.analysis is not None:
            self.viewport.set_coarse(self.analysis, self.target, geometry)

    def _on_result(self, result: AnalysisResult) -> None:
        if self.compare.take_result(result) or self.parts.take_result(result):
            return
        if self._pending is None or result.request.id != self._pending.id:
            log.debug("dropping stale result %d", result.request.id)
            return
        self._pending = None
        same_part = self._shown is not None and self._shown.path == result.request.path
        self._shown = result.request
        self.analysis, self.target = result.analysis, result.target
        notice, self._notice = self._notice, None
        presenting.show_analysis(self, result, keep_camera=same_part, notice=notice)
        self._set_analysis_actions(True)
        self.analysis_shown.emit(result)
        self.parts.shown(result)

    def _on_failed(self, request_id: int, message: str, expected: bool) -> None:
        if (self.compare.take_failure(request_id, message)
                or self.parts.take_failure(request_id, message)):
            return
        if self._pending is None or request_id != self._pending.id:
            return
        failed, self._pending = self._pending, None
        presenting.show_failure(self, failed.path, message, expected)
        self.analysis_failed.emit(message, expected)

    def _on_progress(self, request_id: int, text: str) -> None:
        if self._pending is not None and request_id == self._pending.id:
            self.status.busy(text)

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.model_info = info
        self.panel.method_picker.set_architecture(info.architecture)
        self.compare.set_architecture(info.architecture)
        reason = method_info(self.method).unavailable(info.architecture)
        # A method chosen before the weights were known (--method) that they cannot run: the
        # window falls back and says so; automation (--screenshot) lets the request fail with
        # that reason and exits 2, as the CLI does.
        if reason and not self.suppress_dialogs:
            self._notice = f"{reason}; showing {method_info(DEFAULT_METHOD).title}"
            self.set_method(DEFAULT_METHOD)
        cuda = self.menu_actions.devices["cuda"]
        cuda.setEnabled(info.cuda_available)
        cuda.setToolTip("Run the model on the GPU" if info.cuda_available
                        else "No CUDA GPU is available to PyTorch on this machine")

    # target and view ----------------------------------------------------------------------
    @property
    def scene_style(self) -> SceneStyle:
        return self._style

    def set_target(self, target: int) -> None:
        """Paint another class's heat from the cached maps: no new inference."""
        if self.analysis is None or target == self.target:
            return
        self.target = target
        self.viewport.set_target(self.analysis, target)
        self.panel.set_target(target)
        self.panel.faithfulness.show_target(target)

    def measure_faithfulness(self) -> None:
        """Measure the map on screen on the worker (once per part, method and class)."""
        if self.analysis is not None and self.panel.faithfulness.should_measure(self.target):
            self.service.measure(self.analysis, self.target)

    def _on_measured(self, analysis: Analysis, target: int, result: Faithfulness) -> None:
        if analysis is not self.analysis:  # measured for a part no longer shown
            return
        self.panel.faithfulness.measured(target, result)
        if target == self.target:
            self.faithfulness_measured.emit(result)

    def set_style(self, style: SceneStyle) -> None:
        dark_changed = style.dark != self._style.dark
        self._style = style
        for action, on in ((self.menu_actions.points, style.show_points),
                           (self.menu_actions.edges, style.show_edges),
                           (self.menu_actions.dark, style.dark)):
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
        self.panel.set_style(style)
        self.viewport.set_style(style)
        self.compare.set_style(style)
        if self.remember:
            self.settings.colormap = style.cmap
            self.settings.dark = style.dark
        if dark_changed:
            self._apply_theme()

    def set_camera(self, preset: str) -> None:
        self._style = replace(self._style, camera=preset)
        self.viewport.set_camera(preset, self._style.parallel)

    def set_parallel(self, on: bool) -> None:
        self._style = replace(self._style, parallel=on)
        self.viewport.set_parallel(on)

    def _apply_theme(self) -> None:
        theme = theme_for(self._style.dark)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.panel.set_theme(theme)
        self.part_list.set_theme(theme)

    # pictures -----------------------------------------------------------------------------
    def grab_window(self) -> QImage:
        """The whole window (panel and viewport with its heat colours) as one image."""
        image = self.grab().toImage()
        painter = QPainter(image)
        ratio = image.devicePixelRatio()
        for viewport in (self.viewport, self.compare.viewport):
            if not viewport.isVisible():
                continue
            origin: QPoint = viewport.origin_in(self)
            view = viewport.image()
            painter.drawImage(origin, view.scaled(int(viewport.width() * ratio),
                                                  int(viewport.height() * ratio)))
        painter.end()
        return image

    def _set_analysis_actions(self, enabled: bool) -> None:
        for action in self.menu_actions.needs_analysis:
            action.setEnabled(enabled)

    # drag and drop, closing ---------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_paths([u.toLocalFile() for u in urls])
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.remember:
            self.settings.geometry = QByteArray(self.saveGeometry())
            self.settings.sync()
        self.service.shutdown()
        self.compare.shutdown()
        self.viewport.shutdown()
        super().closeEvent(event)

