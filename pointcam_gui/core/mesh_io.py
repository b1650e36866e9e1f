"""path -> trimesh.Trimesh, or one MeshLoadError with a one-line reason naming the file.

The cheap checks in ``mesh_checks`` run before trimesh (or ``step``) sees the file, so a
hostile header never makes it allocate; whatever trimesh then raises or returns (an empty
scene, points, lines, faces pointing nowhere) becomes the same error. Scenes are flattened with
their transforms; coordinates are kept. This module also says which formats can be opened here.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import trimesh

from pointcam_gui.core import step
from pointcam_gui.core.ascii_stl import read_ascii_stl
from pointcam_gui.core.binary_ply import read_binary_ply
from pointcam_gui.core.binary_stl import read_binary_stl
from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.mesh_checks import (
    KIND_NAMES,
    PartFile,
    check_3mf,
    check_count,
    check_stl,
    check_text,
    open_part_file,
    sniff,
    wrong_content,
)
from pointcam_gui.core.plain_obj import read_plain_obj
from pointcam_gui.core.welding import UNWELDED, fuse, weld

log = logging.getLogger(__name__)

# No part lies this far out (1e15 mm is a billion kilometres); beyond about 1e20 squared lengths
# overflow in the sampling (measured: a box placed at 1e12...1e20 analyses alike, at 1e24 the
# float32 squares overflow). Such a file is corrupt or in absurd units.
MAX_COORDINATE = 1e15

_LOADABLE = trimesh.available_formats()  # 3MF needs lxml and networkx, which may be absent
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(
    s for s in KIND_NAMES if (s in step.SUFFIXES and step.available()) or s[1:] in _LOADABLE
)
# both cases, because GTK's native file dialog matches patterns case-sensitively
FILE_FILTER = "CAD parts ({})".format(" ".join(f"*{s} *{s.upper()}" for s in SUPPORTED_SUFFIXES))


def describe_formats() -> str:
    """The loadable suffixes in words, for messages and help texts."""
    text = ", ".join(SUPPORTED_SUFFIXES)
    return text if step.available() else f"{text} ({step.HINT})"


def load_mesh(path: str | Path, *, welded: bool = True) -> trimesh.Trimesh:
    """Load one part file as a single cleaned triangle mesh, in the file's own coordinates.

    ``welded=False`` lets a triangle soup (STL) skip the weld, which only the display needs: the
    same triangles (``welding.fuse``; ``metadata["unwelded"]``), the same analysis, and a part of
    millions of faces loads in about half the time; ``welding.welded`` welds it for a picture.
    Indexed formats are welded either way: for them it is the quicker path."""
    f = open_part_file(Path(path).expanduser())
    if f.suffix in step.SUFFIXES and not step.available():
        raise MeshLoadError(f"{f.name}: {step.HINT}")
    if f.suffix not in SUPPORTED_SUFFIXES:
        what = f"unknown format '{f.path.suffix}'" if f.suffix else "no file extension"
        looks = sniff(f)
        hint = f"; its contents look like {looks[0]}" if looks else ""
        raise MeshLoadError(f"{f.name}: {what}{hint}; supported: {describe_formats()}")
    empty = (wrong_content(f, SUPPORTED_SUFFIXES)
             or f"{f.name}: no geometry found; corrupt or truncated {f.kind} file")
    fast = {".obj": read_plain_obj, ".ply": read_binary_ply}.get(f.suffix)
    plain = _shortcut(fast, f) if fast else None
    if f.suffix == ".stl":
        count = check_stl(f, SUPPORTED_SUFFIXES)
        plain = (read_binary_stl(f.path, count, f.name) if count is not None
                 else _shortcut(read_ascii_stl, f))
    if plain is not None:  # nothing for the checks below to catch: plain arrays of triangles
        with _quietly():
            return _to_mesh(trimesh.Scene(trimesh.Trimesh(*plain, process=False)), f.name, empty,
                            welded)
    if f.suffix == ".3mf":
        check_3mf(f)
    elif f.suffix == ".obj" or (f.suffix == ".ply" and b"format ascii" in f.head):
        empty = check_text(f) or empty
    with _quietly():
        return _to_mesh(_load_scene(f), f.name, empty, welded)


def _counts_up(values: np.ndarray) -> bool:
    """Whether ``values`` is 0, 1, 2, ...: a triangle soup's faces. In blocks, without an arange
    the size of the part."""
    return all(blockwise(lambda rows: bool(
        (values[rows] == np.arange(rows.start, rows.stop)).all()), len(values)))


@contextmanager
def _quietly() -> Iterator[None]:
    """trimesh tells what it recovers from, or trips over, in numpy warnings and log warnings
    (with tracebacks); the user gets a mesh or one line instead. ``-v`` still shows its log."""
    library_log = logging.getLogger("trimesh")
    level = library_log.level
    if library_log.getEffectiveLevel() >= logging.WARNING:
        library_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield
    finally:
        library_log.setLevel(level)


def _shortcut(reader: Callable[[Path], tuple[np.ndarray, np.ndarray] | None],
              f: PartFile) -> tuple[np.ndarray, np.ndarray] | None:
    """A fast reader's arrays, or None to take the careful path (whatever else went wrong)."""
    try:
        with _quietly():
            return reader(f.path)
    except MeshLoadError:  # a reason the careful path would give too, after more work
        raise
    except Exception:  # MemoryError included: trimesh's path then says what the file is
        log.debug("the fast reader gave up on %s", f.path, exc_info=True)
        return None


def _load_scene(f: PartFile) -> trimesh.Scene:
    """Run trimesh (after cascadio for STEP); any library failure becomes MeshLoadError."""
    try:
        if f.suffix in step.SUFFIXES:
            return step.load_step(f.path, f.name)
        return trimesh.load_scene(str(f.path), file_type=f.suffix[1:], process=False)
    except (MeshLoadError, MemoryError):
        raise
    except Exception as exc:  # trimesh raises anything from NameError to zlib.error
        log.debug("trimesh could not load %s", f.path, exc_info=True)
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            message = f"{f.name}: the {f.kind} file refers to a missing file ({reason})"
        elif isinstance(exc, ImportError):
            message = f"{f.name}: reading {f.kind} needs a package that is missing ({reason})"
        else:
            wrong = wrong_content(f, SUPPORTED_SUFFIXES)
            message = f"{wrong} ({reason})" if wrong else (
                f"{f.name}: corrupt or truncated {f.kind} file ({reason})")
        raise MeshLoadError(message) from exc


def _to_mesh(scene: trimesh.Scene, name: str, empty_reason: str,
             welded: bool) -> trimesh.Trimesh:
    """Every triangle body at its placed position, validated, merged and gently cleaned."""
    vertices: list[np.ndarray] = []
    faces: list[np.ndarray] = []
    offset = 0
    for node in scene.graph.nodes_geometry:
        transform, geometry_name = scene.graph[node]
        body = scene.geometry[geometry_name]
        if not isinstance(body, trimesh.Trimesh) or len(body.faces) == 0:
            continue
        body_faces = np.asarray(body.faces, dtype=np.int64)
        count = len(body.vertices)
        if np.asarray(body.vertices).shape[1:] != (3,):
            raise MeshLoadError(f"{name}: corrupt file: its vertices do not have three "
                                "coordinates")
        low, high = int(body_faces.min()), int(body_faces.max())
        if low < 0 or high >= count:
            raise MeshLoadError(f"{name}: corrupt file: a face refers to vertex "
                                f"{low if low < 0 else high} but there are only {count} vertices")
        body_vertices = np.asarray(body.vertices, float)
        placed = np.abs(transform - np.eye(4)).max() > 0  # most files place nothing
        vertices.append(trimesh.transform_points(body_vertices, transform) if placed
                        else body_vertices)
        faces.append(body_faces + offset)
        offset += count
    if not faces:
        kinds = {type(g).__name__ for g in scene.geometry.values() if len(g.vertices)}
        if kinds & {"Path2D", "Path3D"}:
            empty_reason = f"{name}: contains no triangles, only lines (a drawing, not a solid)"
        elif kinds and not empty_reason.startswith(f"{name}: contains"):
            empty_reason = f"{name}: contains no triangles, only points (a point cloud)"
        raise MeshLoadError(empty_reason)
    if len(faces) == 1:
        all_vertices, all_faces = vertices[0], faces[0]
    else:
        all_vertices, all_faces = np.concatenate(vertices), np.concatenate(faces)
    total = len(all_faces)
    check_count(name, total)
    if not np.isfinite(all_vertices).all():
        bad = int((~np.isfinite(all_vertices[all_faces])).any(axis=(1, 2)).sum())
        if bad:
            raise MeshLoadError(f"{name}: {bad:,} of {total:,} triangles have non-finite "
                                "coordinates (NaN or infinity)")
        all_vertices = np.where(np.isfinite(all_vertices), all_vertices, 0.0)  # unused junk
    # STL is a soup (faces 0, 1, 2, ...): there the weld costs most, and skipping it pays. An
    # indexed file shares its vertices already; welding it is quicker than fusing its corners.
    soup = not welded and len(all_vertices) == all_faces.size and _counts_up(all_faces.ravel())
    if soup:
        vertices_kept, faces_kept = fuse(all_vertices.reshape(-1, 3, 3))
    else:
        vertices_kept, faces_kept = weld(all_vertices, all_faces)  # only used vertices remain
    del all_vertices, all_faces
    reach = float(np.abs(vertices_kept).max()) if len(vertices_kept) else 0.0
    if reach > MAX_COORDINATE:
        raise MeshLoadError(f"{name}: coordinates reach {reach:.3g}, beyond any part's size "
                            f"(the limit is {MAX_COORDINATE:.0e} from the origin)")
    if len(faces_kept) == 0:  # welding keeps only faces of positive area
        raise MeshLoadError(f"{name}: degenerate: all {total:,} triangles have zero area")
    log.debug("%s: kept %d of %d triangles", name, len(faces_kept), total)
    mesh = trimesh.Trimesh(vertices_kept, faces_kept, process=False)
    if soup:
        mesh.metadata[UNWELDED] = True
    return mesh
