"""The worker's stages that need neither Qt nor the worker's state: the analysis of a part's
views while the loader's child still welds the part, its heat while the child builds the
display geometry, painting a display mesh in the worker itself, and moving the long-lived heap
out of the collector's sight once the model is loaded. Run on the worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pointcam_gui.core.classes import percent

if TYPE_CHECKING:
    import trimesh

    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.core.classifier import Classifier
    from pointcam_gui.core.prefetch import Drawn
    from pointcam_gui.gui.requests import AnalysisRequest
    from pointcam_gui.render.shading import DisplayGeometry


class Superseded(Exception):  # noqa: N818 (a signal to stop, not an error)
    """A newer request came while this one was being worked on; the window would drop it."""


class EarlyAnalysis:
    """The analysis of a part's views, run while the loader's child still welds the part; then
    its heat on the welded part, painted while the child builds the display geometry."""

    def __init__(self, request: AnalysisRequest, classifier: Classifier,
                 say: Callable[[str], None], stale: Callable[[], bool] = lambda: False) -> None:
        self.request, self.classifier, self.say, self.stale = request, classifier, say, stale
        self.analysis: Analysis | None = None
        self.spent_ms = 0.0  # in this thread, while the child read: not part of the load time

    def __call__(self, drawn: Drawn) -> None:
        t0, request = time.perf_counter(), self.request
        name = Path(request.path).name
        self.say(f"Analysing {name}…")
        self.analysis = self.classifier.analyse(None, request.seed, source=request.path,
                                                method=request.method,
                                                contrast=request.contrast, drawn=drawn)
        a = self.analysis
        p = percent(a.probabilities[a.predicted])
        unfamiliar = " · unfamiliar" if a.unfamiliar else ""
        self.say(f"{name}: {a.predicted_name} ({p}){unfamiliar} — preparing the display…")
        self.spent_ms = (time.perf_counter() - t0) * 1000

    def paint(self, mesh: trimesh.Trimesh) -> None:
        """The heat per display vertex of the welded ``mesh`` (the loader's ``on_mesh``); it
        stops within a block of vertices once the window has moved on (seconds for a big part,
        for a result the window would drop)."""
        if self.analysis is None:
            return
        t0 = time.perf_counter()
        self.analysis = painted(replace(self.analysis, part=mesh), self.stale)
        self.spent_ms += (time.perf_counter() - t0) * 1000


def painted(analysis: Analysis, stale: Callable[[], bool]) -> Analysis:
    """``analysis.painted()``, or Superseded as soon as ``stale`` says the window has moved
    on, before or while the heat is painted."""
    from pointcam_gui.core.blocks import Stopped

    if stale():
        raise Superseded
    try:
        return analysis.painted(stop=stale)
    except Stopped:
        raise Superseded from None


def display_of(part: trimesh.Trimesh) -> DisplayGeometry | None:
    """What the viewport draws for a welded part, built in the loader's child
    (``IsolatedLoader(display=...)``): the part refined for display as ``Analysis.display_mesh``
    refines it, split at its creases. None for a part drawn as its facets: the worker has those
    in its own display mesh, and sending them would only copy them twice. Importing the
    renderer only here keeps the window's start light; the child imports it once."""
    from pointcam_gui.core.refine import refine_for_display
    from pointcam_gui.render.shading import drawn_as_facets, split_sharp_edges

    refined = refine_for_display(part)
    return None if drawn_as_facets(refined) else split_sharp_edges(refined)


def paint(analysis: Analysis, stale: Callable[[], bool] = lambda: False) -> DisplayGeometry:
    """The analysis's heat per display vertex and its display geometry, the two side by side:
    both are numpy and scipy that mostly let go of the GIL, and neither needs torch. 6.5 ->
    4.7 s for a 5.2M-face part on two cores, measured, when that part was still split at its
    creases. Superseded, as ``painted``, once ``stale``: at once, without waiting for the
    creases of a part the window will drop (a second for a million faces); they finish on
    their own thread and are thrown away."""
    from concurrent.futures import ThreadPoolExecutor

    from pointcam_gui.render.shading import display_geometry

    pool = ThreadPoolExecutor(1, thread_name_prefix="pointcam-creases")
    try:
        creases = pool.submit(display_geometry, analysis.display_mesh)
        painted(analysis, stale)
        return creases.result()
    finally:
        pool.shutdown(wait=False)


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
