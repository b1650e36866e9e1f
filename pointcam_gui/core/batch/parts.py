"""One part file -> one batch row: the per-part function every engine runs.

A row is a plain JSON-ready dict: the file, its content hash, size and bounding box, the verdict
(predicted class, every probability, novelty, unfamiliar), the time spent, and ``error``: None,
or the one-line reason a part could not be analysed. A bad file is a row, never the end of the
batch. The same function runs in this process, in worker processes and in Ray tasks, so the rows
cannot drift apart between engines.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD
from pointcam_gui.core.mesh_io import SUPPORTED_SUFFIXES, load_mesh

if TYPE_CHECKING:
    from pointcam_gui.core.classifier import Analysis, Classifier

log = logging.getLogger(__name__)

# Analysis -> thumbnail PNG bytes; a picklable top-level function, given by a caller that may
# import pyvista (core does not)
Thumbnailer = Callable[["Analysis"], bytes]


@dataclass(frozen=True)
class BatchSettings:
    """What every worker needs to rebuild the same classifier and run the same analysis."""

    weights: str | None = None  # None: the shipped model
    device: str = "cpu"
    num_points: int | None = None
    seed: int = 0
    method: str = DEFAULT_METHOD
    maps: bool = False  # run the full analysis (maps, heat) rather than the verdict alone
    thumbnail: Thumbnailer | None = None  # implies maps

    @classmethod
    def of(cls, classifier: Classifier, **kwargs: Any) -> BatchSettings:
        """Settings that rebuild ``classifier`` in another process."""
        weights = None if classifier.weights is None else str(classifier.weights)
        return cls(weights=weights, device=str(classifier.device),
                   num_points=classifier.num_points, **kwargs)

    def without_thumbnails(self) -> BatchSettings:
        return replace(self, thumbnail=None)


def find_parts(paths: Iterable[str | Path]) -> tuple[list[Path], int]:
    """The part files named or found (recursively, sorted) under ``paths``, without repeats,
    and how many other files the folders held. A named file is kept whatever its suffix: its
    row then says why it cannot be read."""
    found: list[Path] = []
    ignored = 0
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
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


def analyse_file(path: str | Path, settings: BatchSettings, data: bytes | None = None,
                 classifier: Classifier | None = None) -> tuple[dict[str, Any], bytes | None]:
    """The row of one part file and, when the settings ask, its thumbnail. ``data``: the file's
    bytes, for a worker that cannot see the path (a cluster node); they are read from a
    temporary copy with the same name."""
    path = Path(path)
    row: dict[str, Any] = {"file": str(path), "sha256": None, "faces": None,
                           "bounding_box": None, "predicted": None, "probabilities": None,
                           "novelty": None, "unfamiliar": None, "timings_ms": {}, "error": None}
    t0 = time.perf_counter()
    try:
        row["sha256"] = digest(path) if data is None else hashlib.sha256(data).hexdigest()
        mesh = load_mesh(path) if data is None else _load_copy(path, data)
        t1 = time.perf_counter()
        row["faces"] = len(mesh.faces)
        row["bounding_box"] = {"min": [round(float(v), 6) for v in mesh.bounds[0]],
                               "max": [round(float(v), 6) for v in mesh.bounds[1]]}
        clf = classifier or classifier_for(settings)
        thumbnail = None
        if settings.maps or settings.thumbnail is not None:
            analysis = clf.analyse(mesh, seed=settings.seed, source=path, method=settings.method)
            verdict = analysis.explanation
            if settings.thumbnail is not None:
                thumbnail = settings.thumbnail(analysis)
        else:
            verdict = clf.classify(mesh, seed=settings.seed)
        t2 = time.perf_counter()
        names, probs = verdict.class_names, verdict.probabilities
        row["predicted"] = {"index": verdict.predicted, "name": verdict.predicted_name,
                            "probability": round(float(probs[verdict.predicted]), 6)}
        row["probabilities"] = {n: round(float(p), 6) for n, p in zip(names, probs, strict=True)}
        row["novelty"] = None if np.isnan(verdict.novelty) else round(float(verdict.novelty), 4)
        row["unfamiliar"] = bool(verdict.unfamiliar)
        row["timings_ms"] = {"load": round((t1 - t0) * 1000, 2),
                             "analyse": round((t2 - t1) * 1000, 2)}
        return row, thumbnail
    except PointCAMError as exc:
        row["error"] = str(exc)
    except MemoryError:
        row["error"] = f"{path.name}: not enough memory to analyse this part"
    except Exception as exc:  # a bad part must never end the batch; -v shows the traceback
        log.debug("analysing %s failed", path, exc_info=True)
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        row["error"] = f"{path.name}: internal error: {reason}"
    row["timings_ms"] = {"total": round((time.perf_counter() - t0) * 1000, 2)}
    return row, None


def digest(path: Path) -> str:
    """The file's SHA-256, read in chunks; a file that cannot be read gets load_mesh's reason."""
    sha = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                sha.update(chunk)
    except OSError:
        load_mesh(path)  # says why (missing, a folder, unreadable) as one MeshLoadError
        raise
    return sha.hexdigest()


def _load_copy(path: Path, data: bytes) -> Any:
    """``load_mesh`` of a temporary copy of ``data`` named like ``path``."""
    with tempfile.TemporaryDirectory(prefix="pointcam-batch-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        return load_mesh(copy)
