"""Showing the worker's answers: the part, its heat, probabilities, title and status, and
what the loaded model allows.

A result is the compare pane's or the part list's own, or the answer to the window's newest
request (by request id), or stale and dropped; the current one is kept on the window and shown
on every widget that shows a part. A failure is said the way its kind asks for: a dialog for a
file that cannot be read, the status bar for a bad file of a folder or a fault.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from pointcam_gui.core.classes import percent
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD, method_info
from pointcam_gui.gui import dialogs

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.core.explain.faithfulness import Faithfulness
    from pointcam_gui.gui.main_window import MainWindow
    from pointcam_gui.gui.requests import AnalysisResult, ModelInfo
    from pointcam_gui.render.shading import DisplayGeometry

log = logging.getLogger(__name__)


def take_result(window: MainWindow, result: AnalysisResult) -> None:
    """Show ``result`` if it answers the window's newest request; pass the compare pane's and
    the part list's on, drop stale ones."""
    if window.compare.take_result(result) or window.parts.take_result(result):
        return
    pending, shown = window.pending_request, window.shown_request
    if pending is None or result.request.id != pending.id:
        log.debug("dropping stale result %d", result.request.id)
        return
    window.pending_request, window.shown_request = None, result.request
    window.analysis, window.target = result.analysis, result.target
    notice, window.notice = window.notice, None
    show_analysis(window, result, keep_camera=shown is not None and shown.path == pending.path,
                  notice=notice)
    enable_analysis_actions(window, True)
    window.analysis_shown.emit(result)
    window.parts.shown(result)


def take_failure(window: MainWindow, request_id: int, message: str, expected: bool) -> None:
    """Say why the window's newest request failed; pass the compare pane's and the part
    list's failures on, ignore stale ones."""
    if (window.compare.take_failure(request_id, message)
            or window.parts.take_failure(request_id, message)):
        return
    failed = window.pending_request
    if failed is None or request_id != failed.id:
        return
    window.pending_request = None
    show_failure(window, failed.path, message, expected)
    window.analysis_failed.emit(message, expected)


def refuse(window: MainWindow, message: str) -> None:
    """Say why nothing could be opened: a dialog, or the failure signal when automated."""
    if window.suppress_dialogs:
        window.analysis_failed.emit(message, True)
    else:
        dialogs.show_error(window, "Cannot open", message)


def measure(window: MainWindow) -> None:
    """Measure the map on screen on the worker (once per part, method and class)."""
    if window.analysis is not None and window.panel.faithfulness.should_measure(window.target):
        window.service.measure(window.analysis, window.target)


def show_measured(window: MainWindow, analysis: Analysis, target: int,
                  result: Faithfulness) -> None:
    """A faithfulness measured on the worker, if its part is still the one on screen."""
    if analysis is not window.analysis:
        return
    window.panel.faithfulness.measured(target, result)
    if target == window.target:
        window.faithfulness_measured.emit(result)


def show_progress(window: MainWindow, request_id: int, text: str) -> None:
    """The worker's progress on the window's newest request, in the status bar."""
    if window.pending_request is not None and request_id == window.pending_request.id:
        window.status.busy(text)


def show_coarse(window: MainWindow, request_id: int, geometry: DisplayGeometry) -> None:
    """The coarse copy the viewport shows while the camera moves, once made for the part on
    screen."""
    shown = window.shown_request
    if shown is not None and shown.id == request_id and window.analysis is not None:
        window.viewport.set_coarse(window.analysis, window.target, geometry)


def enable_analysis_actions(window: MainWindow, enabled: bool) -> None:
    """The menu actions that need a part on screen (exports, rerun, class stepping)."""
    for action in window.menu_actions.needs_analysis:
        action.setEnabled(enabled)


def show_analysis(window: MainWindow, result: AnalysisResult, *, keep_camera: bool,
                  notice: str | None = None) -> None:
    """Paint ``result`` (already the window's analysis and target) everywhere it shows, and
    say ``notice`` once in the status bar; ``keep_camera`` for a new look at the same part."""
    a = result.analysis
    path = Path(result.request.path)
    t0 = time.perf_counter()
    window.viewport.show_analysis(a, window.target, window.scene_style, result.geometry,
                                  keep_camera=keep_camera)
    display_ms = (time.perf_counter() - t0) * 1000.0
    window.panel.set_analysis(a.class_names, [float(p) for p in a.probabilities], a.predicted,
                              window.target, describe(path, a), novelty=a.novelty,
                              unfamiliar=a.unfamiliar)
    window.setWindowTitle(f"{path.name} — PointCAM")
    status = window.status
    status.show_result(f"{path.name}: {a.predicted_name} "
                       f"({percent(a.probabilities[a.predicted])})",
                       a.novelty, a.unfamiliar)
    status.set_device(a.device, confirmed=True)
    if notice is not None:
        status.flash(notice)
    status.set_timings({"load": result.load_ms, **a.timings_ms, "display": display_ms})
    if window.remember:
        window.settings.last_folder = str(path.parent)
        window.settings.add_recent(path)  # wiring refills Open Recent once the part is shown
    window.panel.faithfulness.reset(window.target)  # measures belong to their analysis
    if window.compare.isVisible():  # the pane follows the part and its probabilities
        window.compare.follow(result.request.path, window.device, a)


def show_failure(window: MainWindow, path: str, message: str, expected: bool) -> None:
    """Say why the current request for ``path`` failed: in the status bar for a part of the
    part list or an unexpected fault, in a dialog (unless automated) for a file the user
    opened that cannot be read."""
    window.status.idle("")
    if window.parts.failed(path, message):  # no dialog per bad file of a folder
        window.status.flash(message)
    elif not expected:
        window.status.flash(f"Unexpected error: {message} (details in the log)")
    elif not window.suppress_dialogs:
        dialogs.show_error(window, "Cannot analyse the part", message)


def show_model(window: MainWindow, info: ModelInfo) -> None:
    """What the loaded weights allow: their explanation methods and the CUDA device."""
    window.panel.method_picker.set_architecture(info.architecture)
    window.compare.set_architecture(info.architecture)
    reason = method_info(window.method).unavailable(info.architecture)
    # A method chosen before the weights were known (--method) that they cannot run: the
    # window falls back and says so; automation (--screenshot) lets the request fail with
    # that reason and exits 2, as the CLI does.
    if reason and not window.suppress_dialogs:
        window.notice = f"{reason}; showing {method_info(DEFAULT_METHOD).title}"
        window.set_method(DEFAULT_METHOD)
    cuda = window.menu_actions.devices["cuda"]
    cuda.setEnabled(info.cuda_available)
    cuda.setToolTip("Run the model on the GPU" if info.cuda_available
                    else "No CUDA GPU is available to PyTorch on this machine")


def describe(path: Path, analysis: Analysis) -> str:
    """The side panel's two lines about the part: its display size and what the model saw."""
    mesh = analysis.display_mesh
    return (f"{path.name}  ·  {len(mesh.vertices):,} display vertices\n"
            f"{analysis.views} {'view' if analysis.views == 1 else 'views'} of "
            f"{len(analysis.points) // max(analysis.samplings, 1):,} points")
