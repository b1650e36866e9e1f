"""Showing what the window has accepted: the part, its heat, probabilities, title and status.

The window decides which result is current (by request id) and keeps it; this module shows that
result on every widget that shows a part, and says a failure the way its kind asks for: a
dialog for a file that cannot be read, the status bar for a bad file of a folder or a fault.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from pointcam_gui.gui import dialogs, wiring

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.gui.main_window import MainWindow
    from pointcam_gui.gui.requests import AnalysisResult


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
                       f"({100.0 * float(a.probabilities[a.predicted]):.1f} %)",
                       a.novelty, a.unfamiliar)
    status.set_device(a.device, confirmed=True)
    if notice is not None:
        status.flash(notice)
    status.set_timings({"load": result.load_ms, **a.timings_ms, "display": display_ms})
    if window.remember:
        window.settings.last_folder = str(path.parent)
        window.settings.add_recent(path)
        wiring.fill_recent_menu(window)
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


def describe(path: Path, analysis: Analysis) -> str:
    """The side panel's two lines about the part: its display size and what the model saw."""
    mesh = analysis.display_mesh
    return (f"{path.name}  ·  {len(mesh.vertices):,} display vertices\n"
            f"{analysis.views} {'view' if analysis.views == 1 else 'views'} of "
            f"{len(analysis.points) // max(analysis.samplings, 1):,} points")
