"""What one analysis of a part holds: the model's answer, and everything a viewer paints with.

``Explanation`` is the answer for one point set (or the average over a part's views);
``Analysis`` adds the points, the part and, built on first use, the display mesh and every
class's heat per display vertex, so that switching the class on screen is a lookup.
``Classifier`` (``core.classifier``) makes both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from pointcam_gui.core import heatmap
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain import DEFAULT_METHOD
from pointcam_gui.core.sampling import Normalization
from pointcam_gui.core.welding import welded

if TYPE_CHECKING:  # refine (trimesh, SciPy) is imported by the pictures that need it
    import trimesh


@dataclass(frozen=True)
class Explanation:
    """The model's answer for one point set, with every class's Grad-CAM map."""

    class_names: tuple[str, ...]
    probabilities: np.ndarray  # (C,)
    predicted: int
    cams: np.ndarray  # (C, N), each row scaled to [0, 1] by its own max
    raw_cams: np.ndarray  # (C, N): the method's maps, averaged over the views where several
    timings_ms: dict[str, float]
    novelty: float = float("nan")  # higher = less like the known classes; NaN: no method shipped
    unfamiliar: bool = False  # novelty above the threshold shipped with the weights
    method: str = DEFAULT_METHOD  # the explanation method (``pointcam methods``)
    contrast: int | None = None  # maps of logit_c - logit_contrast rather than of logit_c

    @property
    def predicted_name(self) -> str:
        return self.class_names[self.predicted]


@dataclass(frozen=True)
class Analysis:
    """Everything a viewer needs to paint any class on a part without recomputing.

    The display mesh and the heat per display vertex are built on first use (and kept): only a
    picture, an export or the viewer needs them, and on a part of millions of faces they cost
    seconds that ``pointcam explain`` without a picture, or a batch row, need not pay. Both are
    determined by the fields, so the analysis stays a value; the viewer's worker builds them
    before the GUI thread sees the analysis.
    """

    source: str | None
    explanation: Explanation
    # (S*N, 3) float64: every sampling's points in the part's own coordinates; float32 ones
    # (``points``) are too coarse for a small part far from the origin (a 0.1 mm nut at 1000
    # units) to map its heat onto its vertices
    world_points: np.ndarray
    model_points: np.ndarray  # (S*N, 3) the same points in the canonical model frame
    # the part analysed (maybe unwelded: load_mesh(welded=False)); None for an analysis of views
    # drawn elsewhere (``prefetch``), which has no pictures
    part: trimesh.Trimesh | None
    device: str
    timings_ms: dict[str, float]
    samplings: int = 1  # S: independent samplings averaged
    frames: tuple[Normalization, ...] = ()  # the model frames the part's pose allows

    @cached_property
    def points(self) -> np.ndarray:
        """(S*N, 3) float32 ``world_points``: what the viewer draws and the exports write."""
        return self.world_points.astype(np.float32)

    @cached_property
    def display_mesh(self) -> trimesh.Trimesh:
        """The part refined for painting, welded first if it was read without the weld."""
        if self.part is None:
            raise PointCAMError("this analysis was made without its part: analyse the mesh "
                                "to paint it")
        t0 = time.perf_counter()
        from pointcam_gui.core import refine

        mesh = refine.refine_for_display(welded(self.part))
        self.timings_ms["refine"] = (time.perf_counter() - t0) * 1000
        return mesh

    def painted(self, stop: Callable[[], bool] | None = None) -> Analysis:
        """Itself, with its display mesh and heat built: the viewer's worker calls it, so that
        the GUI thread only looks them up. ``stop`` is asked between blocks of vertices: once
        it answers True (the viewer has moved on) the painting ends in ``blocks.Stopped`` and
        nothing is kept."""
        if "vertex_heat" not in self.__dict__:  # where cached_property keeps it, as it would
            self.__dict__["vertex_heat"] = self._vertex_heat(stop)
        return self

    @cached_property
    def vertex_heat(self) -> np.ndarray:
        """(C, V) each class's heat per display vertex, in [0, 1]."""
        return self._vertex_heat(None)

    def _vertex_heat(self, stop: Callable[[], bool] | None) -> np.ndarray:
        vertices = self.display_mesh.vertices
        t0 = time.perf_counter()
        heat = heatmap.heat_per_vertex(self.world_points, self.cams, vertices, stop=stop)
        self.timings_ms["heatmap"] = (time.perf_counter() - t0) * 1000
        return heat

    @property
    def views(self) -> int:
        """Forward passes averaged: samplings x allowed frames."""
        return self.samplings * max(len(self.frames), 1)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.explanation.class_names

    @property
    def probabilities(self) -> np.ndarray:
        return self.explanation.probabilities

    @property
    def predicted(self) -> int:
        return self.explanation.predicted

    @property
    def predicted_name(self) -> str:
        return self.explanation.predicted_name

    @property
    def cams(self) -> np.ndarray:
        return self.explanation.cams

    @property
    def novelty(self) -> float:
        return self.explanation.novelty

    @property
    def unfamiliar(self) -> bool:
        return self.explanation.unfamiliar

    @property
    def method(self) -> str:
        return self.explanation.method

    @property
    def contrast(self) -> int | None:
        return self.explanation.contrast

    def heat(self, target: int) -> np.ndarray:
        """Heat per display vertex for class ``target``: a lookup, no inference."""
        return self.vertex_heat[target]
