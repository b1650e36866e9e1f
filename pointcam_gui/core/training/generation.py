"""Writing a generated dataset: the part generator's parts, one folder per class, with a manifest.

``generate_dataset`` draws every part from its own seed (``part_seed``), in worker processes,
and writes ``manifest.json`` (class names and order, counts, seeds, generator version, sub-types)
beside the class folders; ``outliers.generate_others`` writes parts of no class the same way.
Reading any dataset, generated or not, is ``dataset``'s.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import zlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from pointcam_gui import __version__
from pointcam_gui.core.classes import PART_CLASSES, SLUGS
from pointcam_gui.core.errors import DatasetError
from pointcam_gui.core.training.dataset import MANIFEST, Progress

log = logging.getLogger(__name__)


def resolve_classes(requested: Sequence[str]) -> list[str]:
    """Shipped class names from full names, slugs or unique prefixes of them or of a word."""
    out: list[str] = []
    for text in requested:
        key = text.strip().lower()
        exact = [c for c in PART_CLASSES if key in (c.lower(), SLUGS[c])]
        hits = exact or [c for c in PART_CLASSES
                         if c.lower().startswith(key) or SLUGS[c].startswith(key)]
        if not hits:  # "washer", "nut": the start of any word of a name
            hits = [c for c in PART_CLASSES
                    if any(w.startswith(key) for w in re.split(r"[^a-z0-9]+", c.lower()))]
        if len(hits) != 1:
            what = "matches several classes" if hits else "is not a class"
            raise DatasetError(f"{text!r} {what}; choose from: {', '.join(SLUGS.values())}")
        if hits[0] not in out:
            out.append(hits[0])
    return out


@dataclass(frozen=True)
class GenerationReport:
    root: Path
    manifest: dict[str, Any]
    failures: list[dict[str, Any]] = field(default_factory=list)


def part_seed(seed: int, class_name: str, index: int) -> int:
    """A part's own seed: independent of the other classes, the worker count and the order."""
    ss = np.random.SeedSequence([seed, zlib.crc32(class_name.encode()), index])
    return int(ss.generate_state(1)[0] & 0x7FFFFFFF)


OTHER_PREFIX = "other:"  # job names of parts of no class (``outliers``), not class parts


def _make_one(job: tuple[str, int, int, str, str]) -> dict[str, Any]:
    """Worker: generate one part and write it; returns its manifest entry (or its error)."""
    class_name, index, seed, path, fmt = job
    from pointcam_gui.core.synthetic import generate_other, generate_part

    entry: dict[str, Any] = {"class": class_name, "index": index, "seed": seed,
                             "file": f"{Path(path).parent.name}/{Path(path).name}"}
    try:
        mesh = (generate_other(class_name.removeprefix(OTHER_PREFIX), seed)
                if class_name.startswith(OTHER_PREFIX) else generate_part(class_name, seed))
        if fmt == "ply":
            mesh.export(path, file_type="ply", encoding="binary", vertex_normal=False)
        else:
            mesh.export(path, file_type="stl")
    except Exception as exc:  # a generator bug costs one part, reported in the manifest
        entry["error"] = f"{type(exc).__name__}: {exc}"
        return entry
    entry["subtype"] = str(mesh.metadata.get("subtype", ""))
    entry["faces"] = len(mesh.faces)
    return entry


def generate_dataset(out: str | Path, per_class: int, seed: int,
                     classes: Sequence[str] | None = None, *, workers: int = 2, fmt: str = "ply",
                     progress: Progress | None = None) -> GenerationReport:
    """Write ``per_class`` generated parts of each class under ``out/<slug>/`` and a manifest."""
    if per_class < 1:
        raise DatasetError("--per-class must be at least 1")
    if fmt not in ("ply", "stl"):
        raise DatasetError(f"unknown mesh format {fmt!r}: choose ply or stl")
    unknown = [c for c in classes or () if c not in PART_CLASSES]
    if unknown:
        raise DatasetError(f"the generator has no class {unknown[0]!r}")
    names = sorted(set(classes), key=PART_CLASSES.index) if classes else list(PART_CLASSES)
    root = Path(out)
    if (root / MANIFEST).exists() or (root.is_dir() and any(root.iterdir())):
        raise DatasetError(f"{root}: folder exists and is not empty; choose a new folder")
    created_root = not root.exists()
    jobs, folders = [], []
    for name in names:
        folder = root / SLUGS.get(name, name)
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
        for i in range(per_class):
            s = part_seed(seed, name, i)
            jobs.append((name, i, s, str(folder / f"{SLUGS.get(name, name)}_{i:04d}_{s}.{fmt}"),
                         fmt))
    try:
        entries = run_jobs(jobs, workers, progress)
    except BaseException:
        # Ctrl-C or a crash: take back what this run wrote (the folder was new or empty), so the
        # same command can simply be run again.
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        if created_root:
            with contextlib.suppress(OSError):
                root.rmdir()
        raise
    entries.sort(key=lambda e: (names.index(e["class"]), e["index"]))
    failures = [e for e in entries if "error" in e]
    for f in failures:
        log.warning("generator failed on %s seed %d: %s", f["class"], f["seed"], f["error"])
    manifest = _manifest(names, [e for e in entries if "error" not in e], failures, seed, per_class)
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return GenerationReport(root, manifest, failures)


def run_jobs(jobs: list[tuple[str, int, int, str, str]], workers: int,
              progress: Progress | None) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    if workers <= 1:
        for job in jobs:
            results.append(_make_one(job))
            if progress is not None:
                progress(len(results), len(jobs))
        return results
    # spawn: workers never inherit the parent's torch threads or open files
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        pending: set[Future[dict[str, Any]]] = {pool.submit(_make_one, j) for j in jobs}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    results.append(fut.result())
                    if progress is not None:
                        progress(len(results), len(jobs))
        except BaseException:
            # Let running parts finish (each takes well under a second) so that nothing is
            # written after the caller has cleaned up.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


def _manifest(names: list[str], parts: list[dict[str, Any]], failures: list[dict[str, Any]],
              seed: int, per_class: int) -> dict[str, Any]:
    from pointcam_gui.core import synthetic

    classes = []
    for name in names:
        mine = [p for p in parts if p["class"] == name]
        classes.append({"name": name, "folder": SLUGS.get(name, name), "count": len(mine),
                        "subtypes": dict(sorted(Counter(p["subtype"] for p in mine).items()))})
    return {"format": "pointcam-dataset/1", "seed": seed, "per_class": per_class,
            "generator": {"module": "pointcam_gui.core.synthetic",
                          "version": str(getattr(synthetic, "GENERATOR_VERSION", __version__)),
                          "pointcam": __version__},
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "classes": classes,
            "parts": [{k: p[k] for k in ("class", "index", "seed", "file", "subtype", "faces")}
                      for p in parts],
            "failures": failures}
