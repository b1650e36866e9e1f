"""path -> trimesh.Trimesh (or its arrays), or one MeshLoadError with a one-line reason.

The cheap checks in ``mesh_checks`` run before trimesh (or ``step``) sees the file, so a
hostile header never makes it allocate; whatever trimesh then raises or returns (an empty
scene, points, lines, faces pointing nowhere) becomes the same error. Scenes are flattened with
their transforms; coordinates are kept (``cleaning``). This module also says which formats can
be opened here. trimesh is imported when first needed: a part read by a fast reader as arrays
(``read_triangles``) needs none of it, which saves a fresh process most of a second.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pointcam_gui.core import step
from pointcam_gui.core.ascii_stl import read_ascii_stl
from pointcam_gui.core.binary_ply import read_binary_ply
from pointcam_gui.core.binary_stl import read_binary_stl
from pointcam_gui.core.cleaning import (
    Triangles,
    checked_body,
    cleaned,
    joined,
    no_triangles,
)
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.mesh_checks import (
    KIND_NAMES,
    PartFile,
    check_3mf,
    check_stl,
    check_text,
    open_part_file,
    sniff,
    wrong_content,
)
from pointcam_gui.core.plain_obj import read_plain_obj
from pointcam_gui.core.welding import UNWELDED

if TYPE_CHECKING:
    import trimesh

log = logging.getLogger(__name__)

_ALWAYS = (".stl", ".obj", ".ply")  # trimesh reads these without optional packages


def supported_suffixes() -> tuple[str, ...]:
    """The suffixes this installation can open: 3MF needs lxml and networkx, STEP cascadio,
    which may be absent. trimesh is asked on first use, so that importing this module (and
    reading a part by a fast reader) does not import it."""
    return tuple(s for s in KIND_NAMES
                 if (s in step.SUFFIXES and step.available()) or s[1:] in _trimesh_formats())


@cache
def _trimesh_formats() -> frozenset[str]:
    import trimesh

    return frozenset(trimesh.available_formats())


def file_filter() -> str:
    """The open dialog's filter; both cases, because GTK's native file dialog matches patterns
    case-sensitively."""
    return "CAD parts ({})".format(" ".join(f"*{s} *{s.upper()}" for s in supported_suffixes()))


def __getattr__(name: str) -> Any:  # SUPPORTED_SUFFIXES and FILE_FILTER, made on first use
    if name == "SUPPORTED_SUFFIXES":
        return supported_suffixes()
    if name == "FILE_FILTER":
        return file_filter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def describe_formats() -> str:
    """The loadable suffixes in words, for messages and help texts."""
    text = ", ".join(supported_suffixes())
    return text if step.available() else f"{text} ({step.HINT})"


def load_mesh(path: str | Path, *, welded: bool = True) -> trimesh.Trimesh:
    """Load one part file as a single cleaned triangle mesh, in the file's own coordinates.

    ``welded=False`` lets a triangle soup (STL) skip the weld, which only the display needs: the
    same triangles (``welding.fuse``; ``metadata["unwelded"]``), the same analysis, and a part of
    millions of faces loads in about half the time; ``welding.welded`` welds it for a picture.
    Indexed formats are welded either way: for them it is the quicker path."""
    return as_mesh(read_triangles(path, welded=welded))


def as_mesh(part: Triangles) -> trimesh.Trimesh:
    """A part read as arrays (``read_triangles``) as the mesh ``load_mesh`` gives."""
    import trimesh

    mesh = trimesh.Trimesh(part.vertices, part.faces, process=False)
    if part.unwelded:
        mesh.metadata[UNWELDED] = True
    return mesh


def read_triangles(path: str | Path, *, welded: bool = True) -> Triangles:
    """``load_mesh`` as arrays. A file a fast reader takes (binary and big ASCII STL, binary
    PLY, big plain OBJ) is read without importing trimesh."""
    f = open_part_file(Path(path).expanduser())
    if f.suffix in step.SUFFIXES and not step.available():
        raise MeshLoadError(f"{f.name}: {step.HINT}")
    if f.suffix not in _ALWAYS and f.suffix not in supported_suffixes():
        what = f"unknown format '{f.path.suffix}'" if f.suffix else "no file extension"
        looks = sniff(f)
        hint = f"; its contents look like {looks[0]}" if looks else ""
        raise MeshLoadError(f"{f.name}: {what}{hint}; supported: {describe_formats()}")
    empty = (wrong_content(f, supported_suffixes)
             or f"{f.name}: no geometry found; corrupt or truncated {f.kind} file")
    fast = {".obj": read_plain_obj, ".ply": read_binary_ply}.get(f.suffix)
    plain = _shortcut(fast, f) if fast else None
    if f.suffix == ".stl":
        count = check_stl(f, supported_suffixes)
        # unwelded, a binary STL's float32 corners are fused as they are (``welding.fuse``)
        plain = (read_binary_stl(f.path, count, f.name,
                                 dtype=np.float64 if welded else np.float32)
                 if count is not None else _shortcut(read_ascii_stl, f))
    if plain is not None:  # nothing for the checks below to catch: plain arrays of triangles
        vertices, faces = plain
        if len(faces) == 0:
            raise MeshLoadError(no_triangles(f.name, empty, lines=False,
                                             points=len(vertices) > 0))
        with _quietly():
            return cleaned(*checked_body(vertices, faces, f.name), f.name, welded)
    if f.suffix == ".3mf":
        check_3mf(f)
    elif f.suffix == ".obj" or (f.suffix == ".ply" and b"format ascii" in f.head):
        empty = check_text(f) or empty
    with _quietly():
        return cleaned(*joined(_load_scene(f), f.name, empty), f.name, welded)


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
    import trimesh

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
            wrong = wrong_content(f, supported_suffixes)
            message = f"{wrong} ({reason})" if wrong else (
                f"{f.name}: corrupt or truncated {f.kind} file ({reason})")
        raise MeshLoadError(message) from exc
