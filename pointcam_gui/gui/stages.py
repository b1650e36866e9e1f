"""The worker's stages that need neither Qt nor the worker's state: the analysis of a part's
views while the loader's child still welds the part, painting the display mesh, and moving the
long-lived heap out of the collector's sight once the model is loaded. Run on the worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.core.classifier import Classifier
    from pointcam_gui.core.prefetch import Drawn
    from pointcam_gui.gui.requests import AnalysisRequest
    from pointcam_gui.render.shading import DisplayGeometry


class EarlyAnalysis:
    """The analysis of a part's views, run while the loader's child still welds the part."""

    def __init__(self, request: AnalysisRequest, classifier: Classifier,
                 say: Callable[[str], None]) -> None:
        self.request, self.classifier, self.say = request, classifier, say
        self.analysis: Analysis | None = None
        self.spent_ms = 0.0

    def __call__(self, drawn: Drawn) -> None:
        t0, request = time.perf_counter(), self.request
        name = Path(request.path).name
        self.say(f"Analysing {name}…")
        self.analysis = self.classifier.analyse(None, request.seed, source=request.path,
                                                method=request.method,
                                                contrast=request.contrast, drawn=drawn)
        a, p = self.analysis, 100.0 * float(self.analysis.probabilities[self.analysis.predicted])
        unfamiliar = " · unfamiliar" if a.unfamiliar else ""
        self.say(f"{name}: {a.predicted_name} ({p:.1f} %){unfamiliar} — preparing the display…")
        self.spent_ms = (time.perf_counter() - t0) * 1000


def paint(analysis: Analysis) -> DisplayGeometry:
    """The analysis's heat per display vertex and its display mesh split at creases, the two
    side by side: both are numpy and scipy that mostly let go of the GIL, and neither needs
    torch. 6.5 -> 4.7 s for a 5.2M-face part on two cores, measured."""
    from concurrent.futures import ThreadPoolExecutor

    from pointcam_gui.render.shading import split_sharp_edges

    with ThreadPoolExecutor(1, thread_name_prefix="pointcam-creases") as pool:
        creases = pool.submit(split_sharp_edges, analysis.display_mesh)
        analysis.painted()
        return creases.result()


_frozen = False


def freeze_once() -> None:
    """Move everything alive after the first model load (torch, VTK, Qt, the model) out of the
    cyclic collector's sight. A full collection otherwise walks ~400k objects for ~170 ms with
    the GIL held, freezing the window; afterwards it sees only what parts create. Freezing
    destroys nothing, so it is safe here; collecting is not (see collector)."""
    import gc

    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True
