"""Folder-per-class datasets of part meshes: reading any one, generated or the user's own.

A dataset is a folder whose sub-folders are the classes and hold mesh files. A generated one
(``generation``) also has ``manifest.json``; when a manifest is present it gives the class names
and their order, otherwise the folder names, sorted, are the class names. Unreadable parts are
skipped and reported, never fatal.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import trimesh

from pointcam_gui.core.errors import DatasetError
from pointcam_gui.core.mesh_io import load_mesh, supported_suffixes

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Dataset:
    """The files of a dataset, found without reading any mesh."""

    root: Path
    class_names: tuple[str, ...]
    files: tuple[Path, ...]
    labels: tuple[int, ...]
    manifest: dict[str, Any] | None = None

    def counts(self) -> dict[str, int]:
        c = Counter(self.labels)
        return {name: c[i] for i, name in enumerate(self.class_names)}

    def summary(self) -> dict[str, Any]:
        """What a model card or checkpoint provenance says about the data."""
        out: dict[str, Any] = {"path": str(self.root), "num_parts": len(self.files),
                               "counts": self.counts()}
        if self.manifest:
            for key in ("seed", "per_class", "generator", "created"):
                if key in self.manifest:
                    out[key] = self.manifest[key]
        return out


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


# --- reading ----------------------------------------------------------------------------------

def scan_dataset(root: str | Path, *, min_classes: int = 2) -> Dataset:
    """The classes and mesh files of ``root``; DatasetError when it cannot be a dataset."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: dataset folder not found")
    manifest = _read_manifest(root)
    if manifest is not None:
        names = [str(c["name"]) for c in manifest["classes"]]
        folders = [root / str(c.get("folder", c["name"])) for c in manifest["classes"]]
    else:
        folders = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.name)
        names = [p.name for p in folders]
    if not folders:
        raise DatasetError(f"{root}: no class folders (expected one sub-folder per class)")
    if len(folders) < min_classes:
        raise DatasetError(f"{root}: only one class ({names[0]}); training needs at least "
                           f"{min_classes} class folders")
    files: list[Path] = []
    labels: list[int] = []
    suffixes = supported_suffixes()
    for label, folder in enumerate(folders):
        found = sorted(p for p in folder.glob("*") if p.is_file()
                       and p.suffix.lower() in suffixes) if folder.is_dir() else []
        if not found:
            raise DatasetError(f"{folder}: class folder has no mesh files "
                               f"({', '.join(suffixes)})")
        files += found
        labels += [label] * len(found)
    return Dataset(root, tuple(names), tuple(files), tuple(labels), manifest)


def _read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        classes = data["classes"]
        if not isinstance(classes, list) or not all("name" in c for c in classes):
            raise ValueError("'classes' must be a list of objects with a 'name'")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{path}: unusable manifest ({exc})") from None
    return dict(data)


def iter_meshes(dataset: Dataset, skipped: list[Skipped],
                progress: Progress | None = None) -> Iterator[tuple[int, Path, trimesh.Trimesh]]:
    """(label, path, mesh) for every readable part; unreadable ones are appended to ``skipped``."""
    total = len(dataset.files)
    for done, (path, label) in enumerate(zip(dataset.files, dataset.labels, strict=True), 1):
        try:
            mesh = load_mesh(path)
            if not np.isfinite(mesh.vertices).all() or mesh.area <= 0:
                raise ValueError("no surface area or non-finite vertices")
        except Exception as exc:  # one bad part must not stop a 2,400-part run
            reason = " ".join(str(exc).split()) or type(exc).__name__
            log.info("skipping %s: %s", path, reason)  # callers report the list
            skipped.append(Skipped(path, reason))
        else:
            yield label, path, mesh
        if progress is not None:
            progress(done, total)


def check_readable(dataset: Dataset, labels_read: Sequence[int], *, min_classes: int = 2) -> None:
    """DatasetError when too little survived reading: no parts, or a class left empty."""
    if not labels_read:
        raise DatasetError(f"{dataset.root}: none of the {len(dataset.files)} parts could be read")
    present = set(labels_read)
    missing = [n for i, n in enumerate(dataset.class_names) if i not in present]
    if missing and min_classes > 1:
        raise DatasetError(f"{dataset.root}: no readable parts in class "
                           f"{', '.join(repr(m) for m in missing)}")


# --- class names on the command line ----------------------------------------------------------
