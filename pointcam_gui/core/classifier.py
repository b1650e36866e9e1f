"""The one pipeline: load weights, sample a part, explain it, and prepare what a viewer paints.

The GUI, the CLI and scripts all call ``Classifier.analyse``; switching the target class later is a
lookup in the returned ``Analysis``, never a new inference.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import trimesh

from pointcam_gui.core import heatmap, refine
from pointcam_gui.core.checkpoint import ModelMetadata, load_checkpoint
from pointcam_gui.core.device import resolve_device
from pointcam_gui.core.errors import PointCAMError, WeightsError
from pointcam_gui.core.gradcam import activations, maps_from_activations, scale_by_max
from pointcam_gui.core.model import MIN_POINTS, PointNet
from pointcam_gui.core.sampling import normalize, sample_surface

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Explanation:
    """The model's answer for one point set, with every class's Grad-CAM map."""

    class_names: tuple[str, ...]
    probabilities: np.ndarray  # (C,)
    predicted: int
    cams: np.ndarray  # (C, N), each row scaled to [0, 1] by its own max
    raw_cams: np.ndarray  # (C, N)
    timings_ms: dict[str, float]

    @property
    def predicted_name(self) -> str:
        return self.class_names[self.predicted]


@dataclass(frozen=True)
class Analysis:
    """Everything a viewer needs to paint any class on a part without recomputing."""

    source: str | None
    explanation: Explanation
    points: np.ndarray  # (N, 3) sampled points in the part's own coordinates
    model_points: np.ndarray  # (N, 3) the same points as fed to the model
    display_mesh: trimesh.Trimesh  # refined copy of the part, for painting
    vertex_heat: np.ndarray  # (C, V) each class's heat per display vertex, in [0, 1]
    device: str
    timings_ms: dict[str, float]

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

    def heat(self, target: int) -> np.ndarray:
        """Heat per display vertex for class ``target``: a lookup, no inference."""
        return self.vertex_heat[target]


class Classifier:
    """A PointNet with its metadata on one device."""

    def __init__(self, model: PointNet, metadata: ModelMetadata,
                 device: torch.device | str = "cpu", num_points: int | None = None) -> None:
        if num_points is not None and num_points < MIN_POINTS:
            raise PointCAMError(f"need at least {MIN_POINTS} points, got {num_points}")
        self.metadata = metadata
        self._num_points = num_points or metadata.num_points
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()

    @classmethod
    def load(cls, weights: str | Path | None = None, device: str = "auto",
             num_points: int | None = None) -> Classifier:
        """Weights from a file, or the shipped model when ``weights`` is None.

        ``num_points`` overrides how many points are sampled (default: the model's own).
        """
        dev = resolve_device(device)
        if weights is None:
            from pointcam_gui.resources import model_path

            weights = model_path()
            if not Path(weights).is_file():
                raise WeightsError(f"the shipped model is missing ({weights}); reinstall PointCAM "
                                   "or pass --weights")
        model, meta = load_checkpoint(Path(weights).expanduser())
        log.info("loaded %s (%d classes) on %s", Path(weights).name, len(meta.class_names), dev)
        return cls(model, meta, dev, num_points)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.metadata.class_names

    @property
    def num_points(self) -> int:
        return self._num_points

    def class_index(self, target: str | int) -> int:
        """A class by index, by name (case-insensitive) or by a unique prefix of its name."""
        names = self.class_names
        if isinstance(target, (int, np.integer)) or str(target).strip().isdigit():
            index = int(target)
            if 0 <= index < len(names):
                return index
            raise PointCAMError(f"class index {index} is out of range 0..{len(names) - 1}")
        key = str(target).strip().casefold()
        exact = [i for i, n in enumerate(names) if n.casefold() == key]
        if exact:
            return exact[0]
        matches = [i for i, n in enumerate(names) if n.casefold().startswith(key)] if key else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = "; ".join(names[i] for i in matches)
            raise PointCAMError(f"class {target!r} is ambiguous: {options}")
        raise PointCAMError(f"unknown class {target!r} (see `pointcam classes`)")

    def sample(self, mesh: trimesh.Trimesh, seed: int = 0) -> np.ndarray:
        """The (N, 3) float32 points the model is fed for ``mesh``."""
        return self._sample(mesh, seed)[0]

    def _sample(self, mesh: trimesh.Trimesh, seed: int) -> tuple[np.ndarray, np.ndarray]:
        try:
            world, _ = sample_surface(mesh, self.num_points, seed)
        except ValueError as exc:
            raise PointCAMError(f"cannot sample the part: {exc}") from None
        model_points, _ = normalize(world, self.metadata.normalization)
        return model_points, world.astype(np.float32)

    def explain(self, points: np.ndarray) -> Explanation:
        """Probabilities and every class's Grad-CAM map for one (N, 3) point set."""
        pts = np.asarray(points, dtype=np.float32)
        if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < MIN_POINTS:
            raise PointCAMError(f"need an (N, 3) point array with N >= {MIN_POINTS}, "
                                f"got shape {pts.shape}")
        if not np.isfinite(pts).all():
            raise PointCAMError("the points contain NaN or infinite coordinates")
        x = torch.from_numpy(pts.T.copy()).unsqueeze(0).to(self.device)
        t0 = time.perf_counter()
        acts = activations(self.model, x)
        self._sync()
        t1 = time.perf_counter()
        logits, raw = maps_from_activations(self.model, acts)
        probabilities = torch.softmax(logits[0], dim=0)
        cams = scale_by_max(raw[0])
        self._sync()
        t2 = time.perf_counter()
        probs = probabilities.cpu().numpy().astype(np.float32)
        return Explanation(class_names=self.class_names, probabilities=probs,
                           predicted=int(np.argmax(probs)),
                           cams=cams.cpu().numpy().astype(np.float32),
                           raw_cams=raw[0].cpu().numpy().astype(np.float32),
                           timings_ms={"forward": (t1 - t0) * 1000, "gradcam": (t2 - t1) * 1000})

    def analyse(self, mesh: trimesh.Trimesh, seed: int = 0, *,
                source: str | Path | None = None) -> Analysis:
        """Sample, explain, and map every class's heat onto a refined display mesh."""
        t0 = time.perf_counter()
        model_points, world = self._sample(mesh, seed)
        t1 = time.perf_counter()
        explanation = self.explain(model_points)
        t2 = time.perf_counter()
        display = refine.refine_for_display(mesh)
        vertex_heat = heatmap.heat_per_vertex(world, explanation.cams, display.vertices)
        t3 = time.perf_counter()
        timings = {"sample": (t1 - t0) * 1000, **explanation.timings_ms,
                   "heatmap": (t3 - t2) * 1000, "total": (t3 - t0) * 1000}
        return Analysis(source=None if source is None else str(source), explanation=explanation,
                        points=world, model_points=model_points, display_mesh=display,
                        vertex_heat=vertex_heat, device=str(self.device), timings_ms=timings)

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
