"""path -> trimesh.Trimesh, or one MeshLoadError with a one-line reason naming the file.

Cheap checks run before trimesh sees the file, so a hostile header never makes it allocate;
whatever trimesh then raises or returns (an empty scene, points, lines, faces pointing nowhere)
becomes the same error. Scenes are flattened with their transforms; coordinates are kept.
"""

from __future__ import annotations

import logging
import re
import stat
import struct
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import numpy as np
import trimesh

from pointcam_gui.core.errors import MeshLoadError

log = logging.getLogger(__name__)

try:  # the optional extra `step`; trimesh has already tried this import, so it costs nothing
    import cascadio as _cascadio_module

    _cascadio: ModuleType | None = _cascadio_module
except Exception:  # missing or broken: either way there is no STEP reader
    _cascadio = None

MAX_FILE_BYTES = 2_000_000_000
MAX_TRIANGLES = 20_000_000
STEP_HINT = 'to open STEP files install the STEP extra: pip install "pointcam[step]"'

_NAMES = {".stl": "STL", ".obj": "OBJ", ".ply": "PLY", ".off": "OFF", ".glb": "GLB",
          ".gltf": "glTF", ".3mf": "3MF", ".step": "STEP", ".stp": "STEP"}
_STEP = (".step", ".stp")
_LOADABLE = trimesh.available_formats()  # 3MF needs lxml and networkx, which may be absent
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(
    s for s in _NAMES if (s in _STEP and _cascadio is not None) or s[1:] in _LOADABLE
)
# both cases, because GTK's native file dialog matches patterns case-sensitively
FILE_FILTER = "CAD parts ({})".format(" ".join(f"*{s} *{s.upper()}" for s in SUPPORTED_SUFFIXES))
_SNIFF = (  # (pattern for the first bytes, what they look like, that kind's suffix or "")
    (rb"\APK\x03\x04", "a ZIP archive", ""),
    (rb"\AglTF", "a GLB file", ".glb"),
    (rb"\Aply\r?\n", "a PLY file", ".ply"),
    (rb"\A\s*C?OFF\s", "an OFF file", ".off"),
    (rb"\AISO-10303-21", "a STEP file", ".step"),
    (rb"\A%PDF", "a PDF document", ""),
    (rb"(?i)\A\s*<(!doctype html|html)", "an HTML page (a web page saved as a file?)", ""),
    (rb"\A\s*solid\s", "an ASCII STL file", ".stl"),
    (rb"\A\s*\{[\s\S]*\"asset\"", "a glTF file", ".gltf"),
    (rb"\A(?:[ \t\r]*(?:#[^\n]*)?\n)*[ \t\r]*(?:v|vn|vt|o|g|mtllib)\s", "an OBJ file", ".obj"),
)


class _File(NamedTuple):
    path: Path
    name: str
    suffix: str  # lower case
    size: int
    head: bytes  # the first 4 KiB
    kind: str  # "STL", "glTF"...


def _check_count(name: str, triangles: int) -> None:
    if triangles > MAX_TRIANGLES:
        raise MeshLoadError(f"{name}: too large ({triangles:,} triangles; "
                            f"the limit is {MAX_TRIANGLES:,})")


def describe_formats() -> str:
    """The loadable suffixes in words, for messages and help texts."""
    text = ", ".join(SUPPORTED_SUFFIXES)
    return text if _cascadio is not None else f"{text} ({STEP_HINT})"


def load_mesh(path: str | Path) -> trimesh.Trimesh:
    """Load one part file as a single cleaned triangle mesh, in the file's own coordinates."""
    f = _open(Path(path).expanduser())
    if f.suffix in _STEP and _cascadio is None:
        raise MeshLoadError(f"{f.name}: {STEP_HINT}")
    if f.suffix not in SUPPORTED_SUFFIXES:
        what = f"unknown format '{f.path.suffix}'" if f.suffix else "no file extension"
        looks = _sniff(f)
        hint = f"; its contents look like {looks[0]}" if looks else ""
        raise MeshLoadError(f"{f.name}: {what}{hint}; supported: {describe_formats()}")
    empty = _wrong_content(f) or f"{f.name}: no geometry found; corrupt or truncated {f.kind} file"
    if f.suffix == ".stl":
        _check_stl(f)
    elif f.suffix == ".3mf":
        _check_3mf(f)
    elif f.suffix == ".obj" or (f.suffix == ".ply" and b"format ascii" in f.head):
        empty = _check_text(f) or empty
    return _to_mesh(_load_scene(f), f.name, empty)


def _open(p: Path) -> _File:
    """Stat and peek at a file: it must be a readable, non-empty, not-too-large regular file."""
    name = p.name or str(p)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise MeshLoadError(f"{name}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise MeshLoadError(f"{name}: is not a regular file")
        with p.open("rb") as stream:
            head = stream.read(4096)
    except (FileNotFoundError, NotADirectoryError):
        raise MeshLoadError(f"{name}: file not found (looked in {p.parent})") from None
    except PermissionError:
        raise MeshLoadError(f"{name}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise MeshLoadError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if info.st_size == 0:
        raise MeshLoadError(f"{name}: the file is empty (0 bytes)")
    if info.st_size > MAX_FILE_BYTES:
        raise MeshLoadError(f"{name}: too large ({info.st_size / 1e9:.1f} GB; "
                            f"the limit is {MAX_FILE_BYTES / 1e9:.1f} GB)")
    suffix = p.suffix.lower()
    return _File(p, name, suffix, info.st_size, head, _NAMES.get(suffix, suffix))


def _sniff(f: _File) -> tuple[str, str] | None:
    """What the first bytes look like, as (description, that kind's suffix), if recognisable."""
    if f.size >= 84 and f.size == 84 + 50 * struct.unpack_from("<I", f.head, 80)[0]:
        return "a binary STL file (rename it to .stl)", ".stl"
    return next(((what, s) for pattern, what, s in _SNIFF if re.search(pattern, f.head)), None)


def _wrong_content(f: _File) -> str | None:
    """'not a real X file' when the first bytes clearly belong to another kind of file."""
    looks = _sniff(f)
    if looks is None or looks[1] == f.suffix or (f.suffix == ".3mf" and looks[1] == ""):
        return None
    rename = f" (rename it to {looks[1]})" if looks[1] in SUPPORTED_SUFFIXES else ""
    return f"{f.name}: not a real {f.kind} file; its contents look like {looks[0]}{rename}"


def _check_stl(f: _File) -> None:
    """Judge a binary STL from its 84-byte header alone, before anything is allocated."""
    claimed = struct.unpack_from("<I", f.head, 80)[0] if f.size >= 84 else 0
    if f.size >= 84 and f.size == 84 + 50 * claimed:
        _check_count(f.name, claimed)
        if claimed == 0:
            raise MeshLoadError(f"{f.name}: contains no triangles (its header says 0)")
        return
    if re.match(rb"\s*solid\s", f.head.lower()):
        return  # ASCII STL: trimesh parses it and its failures are handled like any other
    wrong = _wrong_content(f)
    if wrong or f.size < 84:
        raise MeshLoadError(wrong or f"{f.name}: corrupt STL file ({f.size} bytes, no header)")
    raise MeshLoadError(f"{f.name}: corrupt or truncated binary STL: its header promises "
                        f"{claimed:,} triangles ({84 + 50 * claimed:,} bytes) but the file "
                        f"has {f.size:,} bytes")


def _check_3mf(f: _File) -> None:
    """A 3MF is a ZIP archive: refuse a broken one, one without a model, or a ZIP bomb."""
    try:
        with zipfile.ZipFile(f.path) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, but also OSError, EOFError, ValueError...
        raise MeshLoadError(f"{f.name}: corrupt 3MF file (not a readable ZIP archive)") from exc
    if not any(m.filename.lower().endswith(".model") for m in members):
        raise MeshLoadError(f"{f.name}: not a 3MF part: the archive holds no 3D model")
    if sum(m.file_size for m in members) > MAX_FILE_BYTES:
        raise MeshLoadError(f"{f.name}: too large once unpacked "
                            f"(the limit is {MAX_FILE_BYTES / 1e9:.1f} GB)")


def _check_text(f: _File) -> str | None:
    """OBJ and ASCII PLY: catch what trimesh would misread silently; maybe a better reason."""
    data = f.path.read_bytes()
    if f.suffix == ".obj":
        # trimesh turns index 0 into -1, which silently wraps to the last vertex; the
        # patterns start with a literal "\n" rather than (?m)^ because that is 2-10x faster
        if re.search(rb"\nf[^\n]*[ \t]0(?![^/\s])", data):
            raise MeshLoadError(f"{f.name}: corrupt OBJ file: a face uses vertex index 0 "
                                "(OBJ counts from 1)")
        if data.startswith((b"l ", b"l\t")) or re.search(rb"\nl[ \t]", data):
            # trimesh drops polylines, which leaves bare points: say what the file holds
            return f"{f.name}: contains no triangles, only lines (a drawing, not a solid)"
        return None
    header, end, body = data.partition(b"end_header")
    promised = re.findall(rb"(?m)^element[ \t]+(\S+)[ \t]+(\d+)", header)
    rows = body.strip().count(b"\n") + 1 if body.strip() else 0
    if end and rows != sum(int(n) for _, n in promised):
        counts = ", ".join(f"{int(n):,} {k.decode(errors='replace')}" for k, n in promised)
        raise MeshLoadError(f"{f.name}: corrupt or truncated PLY file: its header promises "
                            f"{counts} rows but the file has {rows:,}")
    return None


def _load_scene(f: _File) -> trimesh.Scene:
    """Run trimesh (after cascadio for STEP); any library failure becomes MeshLoadError."""
    try:
        if f.suffix in _STEP:
            return _load_step(f)
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
            wrong = _wrong_content(f)
            message = f"{wrong} ({reason})" if wrong else (
                f"{f.name}: corrupt or truncated {f.kind} file ({reason})")
        raise MeshLoadError(message) from exc


def _load_step(f: _File) -> trimesh.Scene:
    """STEP -> GLB with cascadio (OpenCASCADE), then the GLB through trimesh."""
    assert _cascadio is not None
    with tempfile.TemporaryDirectory(prefix="pointcam-step-") as folder:
        glb = Path(folder) / "converted.glb"
        _cascadio.step_to_glb(str(f.path), str(glb))
        if not glb.is_file() or glb.stat().st_size == 0:
            raise MeshLoadError(f"{f.name}: the STEP reader could not convert this file")
        return trimesh.load_scene(str(glb), file_type="glb", process=False)


def _to_mesh(scene: trimesh.Scene, name: str, empty_reason: str) -> trimesh.Trimesh:
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
        low, high = int(body_faces.min()), int(body_faces.max())
        if low < 0 or high >= count:
            raise MeshLoadError(f"{name}: corrupt file: a face refers to vertex "
                                f"{low if low < 0 else high} but there are only {count} vertices")
        vertices.append(trimesh.transform_points(np.asarray(body.vertices, float), transform))
        faces.append(body_faces + offset)
        offset += count
    if not faces:
        kinds = {type(g).__name__ for g in scene.geometry.values() if len(g.vertices)}
        if kinds & {"Path2D", "Path3D"}:
            empty_reason = f"{name}: contains no triangles, only lines (a drawing, not a solid)"
        elif kinds and not empty_reason.startswith(f"{name}: contains"):
            empty_reason = f"{name}: contains no triangles, only points (a point cloud)"
        raise MeshLoadError(empty_reason)
    all_vertices, all_faces = np.concatenate(vertices), np.concatenate(faces)
    total = len(all_faces)
    _check_count(name, total)
    if not np.isfinite(all_vertices).all():
        bad = int((~np.isfinite(all_vertices[all_faces])).any(axis=(1, 2)).sum())
        if bad:
            raise MeshLoadError(f"{name}: {bad:,} of {total:,} triangles have non-finite "
                                "coordinates (NaN or infinity)")
        all_vertices = np.where(np.isfinite(all_vertices), all_vertices, 0.0)  # unused junk
    mesh = trimesh.Trimesh(*_merged(all_vertices, all_faces), process=False)
    mesh.update_faces(mesh.nondegenerate_faces() & mesh.unique_faces())
    mesh.remove_unreferenced_vertices()
    if len(mesh.faces) == 0 or not mesh.area > 0:
        raise MeshLoadError(f"{name}: degenerate: all {total:,} triangles have zero area")
    log.debug("%s: kept %d of %d triangles", name, len(mesh.faces), total)
    return mesh


def _merged(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weld vertices equal to 1e-8 (trimesh's tolerance and order) with one sort, not three."""
    # the grid is 1e-8 unless the coordinates are so large that int64 would overflow
    scale = min(1e8, 2.0**61 / max(float(np.abs(vertices).max()), 1e-300))
    q = np.round(vertices * scale).astype(np.int64)
    _, first, inverse = np.unique(_row_keys(q), return_index=True, return_inverse=True)
    if not (q[first][inverse.ravel()] == q).all():  # a hash collision: rare; use exact rows
        _, first, inverse = np.unique(q, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)  # first-appearance order, as trimesh keeps it
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return vertices[first[order]], rank[inverse.ravel()][faces]


def _row_keys(q: np.ndarray) -> np.ndarray:
    """One well-mixed 64-bit key per (n, 3) int64 row, so welding sorts n keys, not rows."""
    h = q.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    key = h[:, 0] ^ np.left_shift(h[:, 1], 21) ^ np.right_shift(h[:, 1], 43)
    key ^= np.left_shift(h[:, 2], 42) ^ np.right_shift(h[:, 2], 22)
    return (key ^ np.right_shift(key, 31)) * np.uint64(0xBF58476D1CE4E5B9)
