"""Cheap checks on a part file before trimesh sees it, each failing as one MeshLoadError.

A file is stat'ed and its first 4 KiB read once (``open_part_file``); from those alone a binary
STL's header, a 3MF's ZIP directory and an OBJ's or ASCII PLY's promises are judged, so a
hostile header never makes trimesh allocate, and a file whose contents belong to another kind
is named as such ("not a real STL file; its contents look like a PDF document").
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from pointcam_gui.core.errors import MeshLoadError

MAX_FILE_BYTES = 2_000_000_000
MAX_TRIANGLES = 20_000_000

# suffix -> the kind's name in messages; mesh_io offers the ones it can load here
KIND_NAMES = {".stl": "STL", ".obj": "OBJ", ".ply": "PLY", ".off": "OFF", ".glb": "GLB",
              ".gltf": "glTF", ".3mf": "3MF", ".step": "STEP", ".stp": "STEP"}
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


class PartFile(NamedTuple):
    """What the checks know about a file after one stat and one short read."""

    path: Path
    name: str
    suffix: str  # lower case
    size: int
    head: bytes  # the first 4 KiB
    kind: str  # "STL", "glTF"...


def check_count(name: str, triangles: int) -> None:
    """Refuse a part with more than MAX_TRIANGLES triangles."""
    if triangles > MAX_TRIANGLES:
        raise MeshLoadError(f"{name}: too large ({triangles:,} triangles; "
                            f"the limit is {MAX_TRIANGLES:,})")


def open_part_file(p: Path) -> PartFile:
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
    return PartFile(p, name, suffix, info.st_size, head, KIND_NAMES.get(suffix, suffix))


def sniff(f: PartFile) -> tuple[str, str] | None:
    """What the first bytes look like, as (description, that kind's suffix), if recognisable."""
    if f.size >= 84 and f.size == 84 + 50 * struct.unpack_from("<I", f.head, 80)[0]:
        return "a binary STL file (rename it to .stl)", ".stl"
    return next(((what, s) for pattern, what, s in _SNIFF if re.search(pattern, f.head)), None)


def wrong_content(f: PartFile, loadable: Callable[[], tuple[str, ...]]) -> str | None:
    """'not a real X file' when the first bytes clearly belong to another kind of file.

    ``loadable()`` are the suffixes this installation opens: only those are offered as a
    rename (asked only then: it imports trimesh).
    """
    looks = sniff(f)
    if looks is None or looks[1] == f.suffix or (f.suffix == ".3mf" and looks[1] == ""):
        return None
    rename = f" (rename it to {looks[1]})" if looks[1] in loadable() else ""
    return f"{f.name}: not a real {f.kind} file; its contents look like {looks[0]}{rename}"


def check_stl(f: PartFile, loadable: Callable[[], tuple[str, ...]]) -> int | None:
    """Judge a binary STL from its 84-byte header alone, before anything is allocated: its
    triangle count, or None for an ASCII STL."""
    claimed = struct.unpack_from("<I", f.head, 80)[0] if f.size >= 84 else 0
    if f.size >= 84 and f.size == 84 + 50 * claimed:
        check_count(f.name, claimed)
        if claimed == 0:
            raise MeshLoadError(f"{f.name}: contains no triangles (its header says 0)")
        return int(claimed)
    if re.match(rb"\s*solid\s", f.head.lower()):
        return None  # ASCII STL: trimesh parses it and its failures are handled like any other
    wrong = wrong_content(f, loadable)
    if wrong or f.size < 84:
        raise MeshLoadError(wrong or f"{f.name}: corrupt STL file ({f.size} bytes, no header)")
    raise MeshLoadError(f"{f.name}: corrupt or truncated binary STL: its header promises "
                        f"{claimed:,} triangles ({84 + 50 * claimed:,} bytes) but the file "
                        f"has {f.size:,} bytes")


def check_3mf(f: PartFile) -> None:
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


def check_text(f: PartFile) -> str | None:
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
