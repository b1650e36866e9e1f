"""One part file -> one batch row, in two steps that may run in different processes.

``prepare_file`` reads a part and draws the stable analysis's views (no torch: the risky,
Python-heavy half, run by worker processes or Ray tasks); ``finish`` runs the model on them in
the process that holds it. ``analyse_file`` does both, with the full analysis (maps, heat, a
thumbnail) when the settings ask for it.

A row is a plain JSON-ready dict: the file, its content hash, size and bounding box, the verdict
(predicted class, every probability, novelty, unfamiliar), the time spent, and ``error``: None,
or the one-line reason a part could not be analysed. A bad file is a row, never the end of the
batch.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD
from pointcam_gui.core.mesh_io import Triangles, as_mesh, read_triangles, supported_suffixes
from pointcam_gui.core.sampling import NORMALIZATION, stable_views

if TYPE_CHECKING:
    from pointcam_gui.core.classifier import Analysis, Classifier, Explanation

log = logging.getLogger(__name__)

# Analysis -> thumbnail PNG bytes; a picklable top-level function, given by a caller that may
# import pyvista (core does not)
Thumbnailer = Callable[["Analysis"], bytes]


@dataclass(frozen=True)
class BatchSettings:
    """What every worker needs to rebuild the same classifier and run the same analysis."""

    weights: str | None = None  # None: the shipped model
    device: str = "cpu"
    num_points: int | None = None  # None: the model's
    normalization: str = NORMALIZATION  # the model's frame (its metadata's)
    seed: int = 0
    method: str = DEFAULT_METHOD
    maps: bool = False  # run the full analysis (maps, heat) rather than the verdict alone
    thumbnail: Thumbnailer | None = None  # implies maps

    @classmethod
    def of(cls, classifier: Classifier, **kwargs: Any) -> BatchSettings:
        """Settings that rebuild ``classifier`` in another process."""
        weights = None if classifier.weights is None else str(classifier.weights)
        return cls(weights=weights, device=str(classifier.device),
                   num_points=classifier.num_points,
                   normalization=classifier.metadata.normalization, **kwargs)

    @property
    def full(self) -> bool:
        """Whether a part needs the full analysis (maps and heat), not only the verdict."""
        return self.maps or self.thumbnail is not None

    def without_thumbnails(self) -> BatchSettings:
        return replace(self, thumbnail=None)


def find_parts(paths: Iterable[str | Path]) -> tuple[list[Path], int]:
    """The part files named or found (recursively, sorted) under ``paths``, without repeats,
    and how many other files the folders held. A named file is kept whatever its suffix: its
    row then says why it cannot be read."""
    found: list[Path] = []
    ignored = 0
    suffixes = supported_suffixes()
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in suffixes:
                    found.append(child)
                else:
                    ignored += 1
        elif path.exists():
            found.append(path)
        else:
            raise PointCAMError(f"{given}: not found")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, ignored


_classifiers: dict[tuple[str | None, str, int | None], Classifier] = {}


def classifier_for(settings: BatchSettings) -> Classifier:
    """This process's classifier for the settings, loaded once (workers keep it between parts)."""
    key = (settings.weights, settings.device, settings.num_points)
    if key not in _classifiers:
        from pointcam_gui.core.classifier import Classifier

        _classifiers[key] = Classifier.load(settings.weights, device=settings.device,
                                            num_points=settings.num_points)
    return _classifiers[key]


@dataclass(frozen=True)
class Prepared:
    """A part read and sampled, waiting for the model: its row so far and its views."""

    row: dict[str, Any]
    views: np.ndarray | None  # (V, N, 3) float32 in model space; None when the row has an error


def empty_row(path: str | Path) -> dict[str, Any]:
    return {"file": str(path), "sha256": None, "faces": None, "bounding_box": None,
            "predicted": None, "probabilities": None, "novelty": None, "unfamiliar": None,
            "timings_ms": {}, "error": None}


def prepare_file(path: str | Path, settings: BatchSettings, data: bytes | None = None
                 ) -> Prepared:
    """Read a part and draw its views. ``data``: the file's bytes, for a worker that cannot
    see the path (a cluster node); they are read from a temporary copy with the same name."""
    t0 = time.perf_counter()
    row = empty_row(path)
    views = None
    with _caught(row, Path(path)):
        mesh = _stats(row, Path(path), data, welded=False)
        t1 = time.perf_counter()
        num_points = settings.num_points or _model_points(settings)
        _, views, _ = stable_views(mesh, num_points, settings.normalization, settings.seed)
        views = views.astype(np.float32)
        row["timings_ms"] = {"load": _ms(t1 - t0), "sample": _ms(time.perf_counter() - t1)}
    if row["error"]:
        views = None
        row["timings_ms"] = {"total": _ms(time.perf_counter() - t0)}
    return Prepared(row, views)


def finish(prepared: Prepared, classifier: Classifier) -> dict[str, Any]:
    """The row of a prepared part: the model's verdict on its views."""
    row = prepared.row
    if prepared.views is None:  # its error is said, its time counted, where it was read
        return row
    t0 = time.perf_counter()
    with _caught(row, Path(row["file"])):
        _verdict(row, classifier.verdict(prepared.views))
        row["timings_ms"]["analyse"] = _ms(time.perf_counter() - t0)
    return row


def analyse_file(path: str | Path, settings: BatchSettings, data: bytes | None = None,
                 classifier: Classifier | None = None) -> tuple[dict[str, Any], bytes | None]:
    """The row of one part file, all in this process, and, when the settings ask, its
    thumbnail; with ``settings.full`` the verdict comes from the full analysis."""
    if not settings.full:
        return finish(prepare_file(path, settings, data),
                      classifier or classifier_for(settings)), None
    t0 = time.perf_counter()
    row = empty_row(path)
    thumbnail = None
    with _caught(row, Path(path)):
        mesh = as_mesh(_stats(row, Path(path), data, welded=settings.thumbnail is not None))
        t1 = time.perf_counter()
        clf = classifier or classifier_for(settings)
        analysis = clf.analyse(mesh, seed=settings.seed, source=path, method=settings.method)
        if settings.thumbnail is not None:
            thumbnail = settings.thumbnail(analysis)
        _verdict(row, analysis.explanation)
        row["timings_ms"] = {"load": _ms(t1 - t0), "analyse": _ms(time.perf_counter() - t1)}
    if row["error"]:
        row["timings_ms"] = {"total": _ms(time.perf_counter() - t0)}
    return row, thumbnail


def _stats(row: dict[str, Any], path: Path, data: bytes | None, welded: bool) -> Triangles:
    """Read the part (welded only for a picture: the verdict is the same without); note its
    hash, faces and bounding box (every vertex is used) in the row."""
    row["sha256"] = digest(path) if data is None else hashlib.sha256(data).hexdigest()
    part = read_triangles(path, welded=welded) if data is None else _read_copy(path, data,
                                                                                welded)
    row["faces"] = len(part.faces)
    row["bounding_box"] = {"min": [round(float(v), 6) for v in part.vertices.min(axis=0)],
                           "max": [round(float(v), 6) for v in part.vertices.max(axis=0)]}
    return part


def _verdict(row: dict[str, Any], verdict: Explanation) -> None:
    names, probs = verdict.class_names, verdict.probabilities
    row["predicted"] = {"index": verdict.predicted, "name": verdict.predicted_name,
                        "probability": round(float(probs[verdict.predicted]), 6)}
    row["probabilities"] = {n: round(float(p), 6) for n, p in zip(names, probs, strict=True)}
    row["novelty"] = None if np.isnan(verdict.novelty) else round(float(verdict.novelty), 4)
    row["unfamiliar"] = bool(verdict.unfamiliar)


@contextmanager
def _caught(row: dict[str, Any], path: Path) -> Iterator[None]:
    """Any failure becomes the row's one-line error: a bad part never ends the batch."""
    try:
        yield
    except PointCAMError as exc:
        row["error"] = str(exc)
    except ValueError as exc:  # the sampler's "no surface area" and the like
        row["error"] = f"{path.name}: cannot sample the part: {exc}"
    except MemoryError:
        row["error"] = f"{path.name}: not enough memory to analyse this part"
    except Exception as exc:  # -v shows the traceback
        log.debug("analysing %s failed", path, exc_info=True)
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        row["error"] = f"{path.name}: internal error: {reason}"


def _model_points(settings: BatchSettings) -> int:
    from pointcam_gui.core.checkpoint import read_metadata
    from pointcam_gui.resources import model_path

    return read_metadata(settings.weights or model_path()).num_points


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def digest(path: Path) -> str:
    """The file's SHA-256, read in chunks; a file that cannot be read gets the reader's reason."""
    sha = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                sha.update(chunk)
    except OSError:
        read_triangles(path)  # says why (missing, a folder, unreadable) as one MeshLoadError
        raise
    return sha.hexdigest()


def _read_copy(path: Path, data: bytes, welded: bool) -> Triangles:
    """``read_triangles`` of a temporary copy of ``data`` named like ``path``."""
    with tempfile.TemporaryDirectory(prefix="pointcam-batch-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        return read_triangles(copy, welded=welded)
