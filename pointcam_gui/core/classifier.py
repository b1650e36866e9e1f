"""The one pipeline: load weights, sample a part, explain it, and prepare what a viewer paints.

The GUI, the CLI and scripts all call ``Classifier.analyse``; switching the target class later is a
lookup in the returned ``Analysis``, never a new inference.

An analysis is a property of the part, not of one random draw: ``analyse`` feeds the model several
samplings of the surface, each in every frame the part's pose allows (``sampling.part_frames``),
in one batched pass, and returns the expectations: the mean probabilities and, per class, the
mean Grad-CAM map. ``explain`` explains exactly the points it is given. The model itself runs
in ``inference``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from pointcam_gui.core.analysis import Analysis, Explanation
from pointcam_gui.core.checkpoint import ModelMetadata, load_arrays, load_checkpoint
from pointcam_gui.core.classes import find_class
from pointcam_gui.core.device import resolve_device
from pointcam_gui.core.errors import PointCAMError, WeightsError
from pointcam_gui.core.explain import DEFAULT_METHOD, method_info
from pointcam_gui.core.explain.faithfulness import Faithfulness
from pointcam_gui.core.inference import Run, expectations, forward, logits_of
from pointcam_gui.core.model import MIN_POINTS, PointNet
from pointcam_gui.core.novelty import NoveltyModel
from pointcam_gui.core.prefetch import Drawn, views_key
from pointcam_gui.core.sampling import (
    Normalization,
    Surface,
    SurfaceSampler,
    part_frames,
    stable_views,
)

if TYPE_CHECKING:  # read by a fast reader, a part need not be a trimesh mesh, nor load trimesh
    import trimesh

__all__ = ["Analysis", "Classifier", "Explanation"]

log = logging.getLogger(__name__)

_BATCH = 64  # views per forward pass: bounds the (B, K, N) activations


class Classifier:
    """A PointNet with its metadata on one device."""

    def __init__(self, model: PointNet, metadata: ModelMetadata,
                 device: torch.device | str = "cpu", num_points: int | None = None,
                 arrays: dict[str, np.ndarray] | None = None) -> None:
        if num_points is not None and num_points < MIN_POINTS:
            raise PointCAMError(f"need at least {MIN_POINTS} points, got {num_points}")
        self.metadata = metadata
        self._num_points = num_points or metadata.num_points
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.temperature = float(metadata.calibration.get("temperature", 1.0))
        self.novelty: NoveltyModel | None = NoveltyModel.from_metadata(
            metadata.novelty, arrays or {}, self.temperature)
        self.weights: Path | None = None  # the file it came from, for worker processes

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
        path = Path(weights).expanduser()
        model, meta = load_checkpoint(path)
        log.info("loaded %s (%d classes) on %s", path.name, len(meta.class_names), dev)
        classifier = cls(model, meta, dev, num_points, load_arrays(path) if meta.novelty else None)
        classifier.weights = path.resolve()
        return classifier

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.metadata.class_names

    @property
    def num_points(self) -> int:
        return self._num_points

    def class_index(self, target: str | int) -> int:
        """A class by index, by name (case-insensitive) or by a unique prefix of its name."""
        return find_class(self.class_names, target)

    def sample(self, mesh: Surface, seed: int = 0) -> np.ndarray:
        """The (N, 3) float32 points the model is fed for ``mesh`` in its canonical frame."""
        sampler = self._sampler(mesh)
        world, _ = sampler.sample(self.num_points, np.random.default_rng(seed))
        return part_frames(sampler, self.metadata.normalization)[0].apply(world)

    def _sampler(self, mesh: Surface) -> SurfaceSampler:
        try:
            return SurfaceSampler(mesh)
        except ValueError as exc:
            raise PointCAMError(f"cannot sample the part: {exc}") from None

    def explain(self, points: np.ndarray, method: str = DEFAULT_METHOD,
                contrast: str | int | None = None) -> Explanation:
        """Probabilities and every class's map by ``method`` for exactly one (N, 3) point set;
        with ``contrast`` B, class c's map explains logit_c - logit_B ("c rather than B")."""
        pts = np.asarray(points, dtype=np.float32)
        if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < MIN_POINTS:
            raise PointCAMError(f"need an (N, 3) point array with N >= {MIN_POINTS}, "
                                f"got shape {pts.shape}")
        if not np.isfinite(pts).all():
            raise PointCAMError("the points contain NaN or infinite coordinates")
        name, target = method_info(method).name, self._contrast(contrast)
        run = forward(self.model, pts[None], self.device, name, target)
        return self._expectations(run, run.raw[0], name, target)

    def _contrast(self, contrast: str | int | None) -> int | None:
        return None if contrast is None else self.class_index(contrast)

    def view_outputs(self, mesh: Surface, seed: int = 0, *,
                     features: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Raw logits (V, C) and pooled features (V, K) of the stable analysis's views: what
        evaluation, calibration and the novelty statistics use. ``features=False`` runs only
        ``model(x)`` and returns an empty feature array."""
        _, views, _ = self._views(mesh, seed)
        if features:
            run = forward(self.model, views, self.device, None)
            return run.logits, run.features
        return logits_of(self.model, views, self.device), np.empty((len(views), 0), np.float32)

    def _views(self, mesh: Surface, seed: int, max_views: int | None = None
               ) -> tuple[np.ndarray, np.ndarray, list[Normalization]]:
        """``sampling.stable_views`` with this model's points and frame."""
        try:
            return stable_views(mesh, self.num_points, self.metadata.normalization, seed,
                                max_views)
        except ValueError as exc:
            raise PointCAMError(f"cannot sample the part: {exc}") from None

    def _expectations(self, run: Run, raw: np.ndarray, method: str,
                      contrast: int | None) -> Explanation:
        return expectations(run, raw, self.class_names, self.temperature, self.novelty, method,
                            contrast)

    def classify(self, mesh: Surface, seed: int = 0) -> Explanation:
        """The stable analysis's probabilities and novelty without any map (``cams`` is empty):
        the same answer as ``analyse`` for the same (mesh, seed), for when only the verdict
        counts, as in a batch. ``mesh`` may be a part read as arrays (``read_triangles``)."""
        return self.verdict(self._views(mesh, seed)[1])

    def verdict(self, views: np.ndarray) -> Explanation:
        """``classify`` of views already drawn (``sampling.stable_views``, e.g. by a worker)."""
        run = forward(self.model, views, self.device, None)
        return self._expectations(run, np.empty((len(self.class_names), 0), np.float32), "none",
                                  None)

    def analyse_many(self, paths: Iterable[str | Path], workers: int = 0, *, seed: int = 0,
                     method: str = DEFAULT_METHOD, maps: bool = False) -> Iterator[dict[str, Any]]:
        """Batch rows (``core.batch``) for every part file, yielded as they finish; folders are
        walked. ``workers`` > 1 reads and samples parts in that many processes while this one
        runs the model; with ``maps`` (the full analysis) the workers analyse whole parts."""
        from pointcam_gui.core.batch import BatchSettings, analyse_many, find_parts

        if workers > 1 and maps and self.weights is None:
            raise PointCAMError("worker processes rebuild the classifier from its weights file, "
                                "and this one was not loaded from a file: use workers=0, or "
                                "Classifier.load(path)")
        settings = BatchSettings.of(self, seed=seed, method=method, maps=maps)
        files, _ = find_parts(paths)
        for row, _ in analyse_many(files, settings, workers=workers, classifier=self):
            yield row

    def views_key(self, seed: int = 0, method: str = DEFAULT_METHOD
                  ) -> tuple[int, str, int, int | None]:
        """What ``analyse`` needs views drawn for (``prefetch.Drawn.key``): points, normalization,
        seed and the method's view budget."""
        return views_key(self.num_points, self.metadata.normalization, seed, method)

    def analyse(self, mesh: trimesh.Trimesh | None, seed: int = 0, *,
                source: str | Path | None = None, method: str = DEFAULT_METHOD,
                contrast: str | int | None = None, drawn: Drawn | None = None) -> Analysis:
        """Sample and explain by ``method`` over every allowed frame; each class's heat on a display
        mesh follows on first use (``Analysis.vertex_heat``). Deterministic for a (mesh, seed);
        nearly the same for any seed. ``drawn``: the part's views, already drawn for this model
        (``prefetch``); the mesh may then be None, for an analysis without pictures."""
        info, target = method_info(method), self._contrast(contrast)
        t0 = time.perf_counter()
        if drawn is not None:
            key = self.views_key(seed, method)
            if drawn.key != key:
                raise ValueError(f"views drawn for {drawn.key}, not for this analysis's {key}")
            world, views, frames = drawn.world, drawn.views, list(drawn.frames)
        elif mesh is None:
            raise ValueError("analyse needs a mesh or its drawn views")
        else:
            world, views, frames = self._views(mesh, seed, info.max_views)
        t1 = time.perf_counter()
        run = forward(self.model, views, self.device, info.name, target)
        # every frame of one sampling maps the same points: average per point, then pool
        (samplings, n, _), c = world.shape, len(self.class_names)
        pooled_raw = run.raw.reshape(samplings, len(frames), c, n).mean(axis=1)
        pooled_raw = pooled_raw.transpose(1, 0, 2).reshape(c, samplings * n)
        explanation = self._expectations(run, pooled_raw, info.name, target)
        points = world.reshape(-1, 3)
        sample_ms = (t1 - t0) * 1000 if drawn is None else drawn.timings_ms.get("sample", 0.0)
        timings = {"sample": sample_ms, **explanation.timings_ms,
                   "total": (time.perf_counter() - t1) * 1000 + sample_ms}
        return Analysis(source=None if source is None else str(source), explanation=explanation,
                        world_points=points, model_points=frames[0].apply(points), part=mesh,
                        device=str(self.device), timings_ms=timings,
                        samplings=samplings, frames=tuple(frames))

    def faithfulness(self, analysis: Analysis, target: str | int | None = None) -> Faithfulness:
        """Deletion and insertion curves of the analysis's map of ``target`` (default: the
        predicted class) against random orders, on the analysis's own views."""
        from pointcam_gui.core.explain.faithfulness import of_analysis

        index = analysis.predicted if target is None else self.class_index(target)
        return of_analysis(self.model, analysis, index, self.temperature, self.device)
