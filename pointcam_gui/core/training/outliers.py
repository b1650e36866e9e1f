"""Parts of no known class, for outlier exposure: generating a set, and reading one for training.

A classifier trained only on its classes is confident on anything. Outlier exposure (Hendrycks et
al., ICLR 2019) adds plausible parts of other kinds to training with a uniform target, so the
model learns to spread its probability when a part is none of its classes; the novelty score then
separates such parts far better. ``pointcam dataset generate-others`` writes the generator's other
kinds (gears, pulleys, brackets, plates, springs, ...) and ``pointcam train --outliers`` uses them.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import trimesh

from pointcam_gui import __version__
from pointcam_gui.core.errors import DatasetError, PointCAMError
from pointcam_gui.core.mesh_io import load_mesh, supported_suffixes
from pointcam_gui.core.training.dataset import MANIFEST, Progress
from pointcam_gui.core.training.generation import (
    OTHER_PREFIX,
    GenerationReport,
    part_seed,
    run_jobs,
)


def generate_others(out: str | Path, per_kind: int, seed: int,
                    kinds: Sequence[str] | None = None, *, workers: int = 2,
                    progress: Progress | None = None) -> GenerationReport:
    """Write ``per_kind`` generated parts of each other kind under ``out/<kind>/``."""
    from pointcam_gui.core.synthetic import GENERATOR_VERSION, OTHER_KINDS

    if per_kind < 1:
        raise DatasetError("--per-kind must be at least 1")
    unknown = [k for k in kinds or () if k not in OTHER_KINDS]
    if unknown:
        raise DatasetError(f"the generator has no other kind {unknown[0]!r}; choose from: "
                           f"{', '.join(OTHER_KINDS)}")
    names = list(kinds or OTHER_KINDS)
    root = Path(out)
    if root.is_dir() and any(root.iterdir()):
        raise DatasetError(f"{root}: folder exists and is not empty; choose a new folder")
    jobs = []
    for kind in names:
        (root / kind).mkdir(parents=True, exist_ok=True)
        for i in range(per_kind):
            s = part_seed(seed, OTHER_PREFIX + kind, i)
            jobs.append((OTHER_PREFIX + kind, i, s, str(root / kind / f"{kind}_{i:04d}_{s}.ply"),
                         "ply"))
    try:
        entries = run_jobs(jobs, workers, progress)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    parts = [e for e in entries if "error" not in e]
    failures = [e for e in entries if "error" in e]
    manifest: dict[str, Any] = {
        "format": "pointcam-others/1", "seed": seed, "per_kind": per_kind,
        "generator": {"module": "pointcam_gui.core.synthetic", "version": GENERATOR_VERSION,
                      "pointcam": __version__},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "kinds": {k: dict(sorted(Counter(p["subtype"] for p in parts
                                         if p["class"] == OTHER_PREFIX + k).items()))
                  for k in names},
        "parts": [{"kind": p["class"].removeprefix(OTHER_PREFIX), "seed": p["seed"],
                   "file": p["file"], "subtype": p["subtype"], "faces": p["faces"]}
                  for p in sorted(parts, key=lambda p: (p["class"], p["index"]))],
        "failures": failures}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return GenerationReport(root, manifest, failures)


def iter_outliers(root: str | Path) -> Iterator[tuple[Path, trimesh.Trimesh]]:
    """Every readable mesh under ``root`` (any depth); unreadable files are skipped."""
    folder = Path(root)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: outlier folder not found")
    suffixes = supported_suffixes()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise DatasetError(f"{folder}: no mesh files for outlier exposure")
    for path in files:
        try:
            mesh = load_mesh(path)
        except PointCAMError:  # one bad outlier must not stop training
            continue
        if mesh.area > 0:
            yield path, mesh
