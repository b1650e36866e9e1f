"""Heat results to files: a heat-coloured mesh (PLY, GLB, OBJ) and per-point heat (CSV, JSON).

Every file is written next to its target under a temporary name, flushed to disk and renamed
over the target, so a failed or interrupted export never leaves a half-written file and never
damages the file it was meant to replace.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.heatmap import DEFAULT_COLORMAP, colorize

if TYPE_CHECKING:
    import trimesh

log = logging.getLogger(__name__)

MESH_SUFFIXES: tuple[str, ...] = (".ply", ".glb", ".obj")
POINT_SUFFIXES: tuple[str, ...] = (".csv", ".json")
IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg")


class HeatResult(Protocol):
    """What the exporters read from a `classifier.Analysis`."""

    @property
    def source(self) -> str | None: ...
    @property
    def points(self) -> np.ndarray: ...
    @property
    def display_mesh(self) -> trimesh.Trimesh: ...
    @property
    def class_names(self) -> tuple[str, ...]: ...
    @property
    def probabilities(self) -> np.ndarray: ...
    @property
    def predicted(self) -> int: ...
    @property
    def cams(self) -> np.ndarray: ...
    def heat(self, target: int) -> np.ndarray: ...


def write_atomic(path: str | Path, write: Callable[[IO[bytes]], object]) -> Path:
    """Call `write` on a temporary file beside `path`, then rename it over `path`.

    On any failure the temporary file is removed and an existing `path` is left untouched.
    Operating-system failures (no such folder, no permission, disk full) become one-line
    PointCAMErrors; anything else is re-raised as it is.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise PointCAMError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise PointCAMError(f"cannot write {target}: it is a folder")
    # mkstemp creates the file private (0600); an export should look like any other file
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise PointCAMError(f"cannot write {target}: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(mode)
        temp.replace(target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise PointCAMError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    log.info("wrote %s", target)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def export_heat_mesh(
    analysis: HeatResult, target: int, path: str | Path, cmap: str = DEFAULT_COLORMAP
) -> Path:
    """Write the display mesh coloured by class `target`'s heat: .ply, .glb or .obj.

    PLY (binary) carries RGBA vertex colours and the heat itself as a float vertex property
    `heat`; GLB carries COLOR_0 and the heat as the custom attribute `_HEAT`; OBJ only colours.
    """
    path = Path(path)
    suffix = check_suffix(path, MESH_SUFFIXES, "a heat mesh")
    names = analysis.class_names
    if not 0 <= int(target) < len(names):
        raise PointCAMError(f"no class {target}: the model has classes 0 to {len(names) - 1}")
    mesh = analysis.display_mesh
    heat = np.asarray(analysis.heat(int(target)), dtype=np.float32)
    if heat.shape != (len(mesh.vertices),):
        raise ValueError(f"heat has shape {heat.shape}, the mesh {len(mesh.vertices)} vertices")
    colours = colorize(heat, cmap)  # checks the colormap before anything is written
    import trimesh  # here: checking a suffix, before any work, need not load trimesh

    out = trimesh.Trimesh(mesh.vertices, mesh.faces, vertex_colors=colours, process=False)
    note = f"PointCAM heat of class {target} '{names[target]}', colormap {cmap}"
    data: bytes
    if suffix == ".ply":
        out.vertex_attributes["heat"] = heat
        data = _with_ply_comment(_bytes(out.export(file_type="ply", encoding="binary")), note)
    elif suffix == ".glb":
        out.vertex_attributes["_HEAT"] = heat
        out.metadata["pointcam"] = {"class": names[target], "index": int(target), "colormap": cmap}
        data = _bytes(out.export(file_type="glb"))
    else:
        text = out.export(file_type="obj", include_normals=False, include_texture=False)
        data = f"# {note}\n".encode() + _bytes(text)
    return write_atomic(path, lambda stream: stream.write(data))


def _bytes(exported: object) -> bytes:
    if isinstance(exported, str):
        return exported.encode("utf-8")
    if isinstance(exported, bytes):
        return exported
    raise TypeError(f"trimesh exported {type(exported).__name__}, not a file's content")


def _with_ply_comment(data: bytes, note: str) -> bytes:
    """Put our own comment (class, colormap) in the PLY header in place of trimesh's."""
    end = data.index(b"end_header\n")
    lines = [ln for ln in data[:end].decode("ascii").splitlines() if not ln.startswith("comment")]
    comment = "comment " + " ".join(note.split())
    lines.insert(2, comment.encode("ascii", "replace").decode("ascii"))
    return ("\n".join(lines) + "\n").encode("ascii") + data[end:]


def export_point_heat(analysis: HeatResult, path: str | Path) -> Path:
    """Write every sampled point with every class's heat: .csv (x, y, z, one column a class)
    or .json (file, prediction, probabilities, class names, points, cams)."""
    path = Path(path)
    suffix = check_suffix(path, POINT_SUFFIXES, "point heat")
    points = np.asarray(analysis.points, dtype=np.float64)
    cams = np.asarray(analysis.cams, dtype=np.float64)
    names = list(analysis.class_names)
    if suffix == ".csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["x", "y", "z", *names])
        writer.writerows([*(f"{v:.7g}" for v in p), *(f"{v:.6g}" for v in c)]
                         for p, c in zip(points, cams.T, strict=True))
        data = text.getvalue().encode("utf-8")
    else:
        probabilities = np.asarray(analysis.probabilities, dtype=np.float64)
        predicted = int(analysis.predicted)
        document: dict[str, Any] = {
            "file": analysis.source,
            "predicted": {"index": predicted, "name": names[predicted],
                          "probability": round(float(probabilities[predicted]), 6)},
            "probabilities": {n: round(float(p), 6) for n, p in zip(names, probabilities,
                                                                     strict=True)},
            "class_names": names,
            "num_points": len(points),
            "points": [[float(f"{v:.7g}") for v in p] for p in points],
            "cams": np.round(cams, 6).tolist(),
        }
        data = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return write_atomic(path, lambda stream: stream.write(data))


def check_suffix(path: Path, allowed: tuple[str, ...], what: str) -> str:
    """The lower-case suffix of ``path`` if it is one of ``allowed``, else a one-line error.

    Callers check before long work, so a typo in an output name fails at once.
    """
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise PointCAMError(f"cannot save {what} as {path.name!r}: use {', '.join(allowed)}")
    return suffix
