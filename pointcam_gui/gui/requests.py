"""What crosses between the GUI thread and the worker: frozen requests, results, model facts.

A request is captured once, with an id, and never changes; the newest id of its lane wins
(the main part, the compare pane, the part list's parts analysed ahead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.render.shading import DisplayGeometry


@dataclass(frozen=True)
class AnalysisRequest:
    id: int
    path: str
    device: str = "auto"
    target: str | None = None  # a class name, prefix or index; None means the predicted class
    seed: int = 0
    method: str = DEFAULT_METHOD  # an explanation method's name (core.explain.catalogue)
    contrast: str | None = None  # a class: paint "the target rather than this one"
    compare: bool = False  # for the compare pane: its own lane, never stales the main one
    ahead: bool = False  # the part list's next part, analysed before it is asked for


@dataclass(frozen=True)
class AnalysisResult:
    request: AnalysisRequest
    analysis: Analysis
    target: int  # the resolved Grad-CAM target
    geometry: DisplayGeometry  # the display mesh split at creases, ready for the viewport
    load_ms: float


@dataclass(frozen=True)
class ModelInfo:
    """What the About box and the Device menu need to know about the loaded model."""

    weights: str
    device: str
    cuda_available: bool
    class_names: tuple[str, ...]
    num_points: int
    provenance: dict[str, Any]
    architecture: dict[str, Any]  # the weights' metadata: which methods can explain them
