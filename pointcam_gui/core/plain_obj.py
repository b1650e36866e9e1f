"""A fast reader for the plain OBJ that scanners and mesh tools write: `v x y z` and `f a b c`
(with object, group, smoothing and material lines, which name parts but do not shape them).

trimesh's OBJ reader handles the whole format (groups, materials, texture coordinates,
polygons, relative indices) and takes about 8x VTK's time on a 1.3M-face part; most big OBJ
files use none of that. pandas' C tokenizer reads such a file in a fraction of VTK's time.
Anything beyond the plain subset (another keyword, a slash, a polygon, a tab, a relative
index) answers None, and trimesh reads the file as before: this is a shortcut, never a second
interpretation. Weighed: ``np.loadtxt`` (3x slower, no mixed rows), a regex split (2x slower).
The file is parsed in blocks of whole lines, a few at once on the machine's cores (pandas lets
go of the GIL while it tokenizes), and where every vertex comes before every face the two
sections apart, the faces as integers (``_sections``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from pointcam_gui.core.blocks import TEXT_BLOCK, blockwise

FROM_BYTES = 4_000_000  # below this trimesh is quick enough, and importing pandas is not free
MAX_NAMING_LINES = 10_000  # more objects or groups than this: trimesh's path
# lines that name or dress parts without adding geometry; the leading newline keeps the scan fast
_NAMING = re.compile(rb"\n(?:o|g|s|mtllib|usemtl)[ \t]")
# a line the plain subset does not have (normals, texture coordinates, lines...), or a face
# with slashes: looked for in a few windows of the file, so that a big OBJ of another kind goes
# to trimesh without a parse here (a 1M-face OBJ with normals wasted 2.2 s on it). Such lines
# come in blocks as long as the v or f block, which a window lands in; the full parse still
# declines whatever the windows miss.
_FOREIGN = re.compile(rb"\n(?![vf][ \t]|[ogs][ \t]|mtllib[ \t]|usemtl[ \t]|#|[ \t]*\r?\n|$)"
                      rb"|\nf[^\n]*/")
WINDOWS, WINDOW_BYTES = 9, 1 << 19
# a face whose indices are not written as plain integers (1.0, 1e0): trimesh's reader refuses it
_NOT_INTEGER = re.compile(rb"\nf [^\n]*[.eE]")


def read_plain_obj(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """(vertices (n, 3) float64, faces (m, 3) int64 counted from 0) of a plain triangle OBJ,
    or None when the file uses anything else, or is small enough for trimesh."""
    if path.stat().st_size < FROM_BYTES:
        return None
    data = path.read_bytes()
    if _looks_foreign(data):
        return None
    try:
        naming, vertices, indices = _sections(data) or _mixed(data)
    except _DeclinedError:
        return None
    if (naming > MAX_NAMING_LINES or not len(vertices) or not len(indices)
            or indices.min() < 1 or indices.max() > len(vertices)):
        return None  # too many parts, nothing to show, a relative or missing index, or not an
    #                  index at all: trimesh's path says what is wrong
    return vertices, indices.astype(np.int64, copy=False) - 1


class _DeclinedError(Exception):
    """A block of the file is not plain: trimesh's path reads the file."""


class _InterleavedError(_DeclinedError):
    """A vertex among the faces: the sections are not apart, the mixed parse reads the file."""


def _sections(data: bytes) -> tuple[int, np.ndarray, np.ndarray] | None:
    """Every ``v`` line before every ``f`` line, as nearly every tool writes OBJ: the vertices
    read as floats and the faces as integers, each section in blocks on the machine's cores
    (the 5.2M-face OBJ: 1.2-1.6 s against 2.2-2.6 s for the mixed parse, the same arrays).
    None where a vertex comes after a face, or there is none: the mixed parse decides."""
    first_face = 0 if data.startswith(b"f ") else data.find(b"\nf ") + 1
    if first_face <= 0:
        return None  # no faces at all: the mixed parse finds nothing to show
    try:
        naming_v, _, vertices = _blocks(data, 0, first_face, np.float64, "v")
        naming_f, _, indices = _blocks(data, first_face, len(data), np.int64, "f")
    except _InterleavedError:  # anything else not plain is declined as it is
        return None
    return naming_v + naming_f, vertices, indices


def _mixed(data: bytes) -> tuple[int, np.ndarray, np.ndarray]:
    """``v`` and ``f`` lines in any order, read as floats and told apart by their key."""
    naming, is_vertex, values = _blocks(data, 0, len(data), np.float64, "vf")
    return naming, values[is_vertex], values[~is_vertex]


def _blocks(data: bytes, start: int, stop: int, dtype: type, keys: str
            ) -> tuple[int, np.ndarray, np.ndarray]:
    """``_table`` of ``data[start:stop]`` in blocks of whole lines, a few at once on the
    machine's cores: naming lines counted, rows' keys (is-vertex) and numbers joined."""
    cuts = [start]
    while cuts[-1] < stop:
        end = data.find(b"\n", cuts[-1] + TEXT_BLOCK, stop)
        cuts.append(stop if end < 0 else end + 1)
    parts = blockwise(lambda rows: _table(data[cuts[rows.start]:cuts[rows.stop]], dtype, keys),
                      len(cuts) - 1, block=1)
    if not parts:
        raise _DeclinedError
    return (sum(naming for naming, _, _ in parts),
            np.concatenate([v for _, v, _ in parts]),
            np.concatenate([table for _, _, table in parts]))


def _table(text: bytes, dtype: type, keys: str) -> tuple[int, np.ndarray, np.ndarray]:
    """Whole lines of a plain OBJ -> (naming lines, is-vertex (k,), numbers (k, 3) of
    ``dtype``) where every row's key is one of ``keys``: the lines that name parts become
    comments, pandas reads the rest."""
    import pandas as pd

    naming = [m.start() for m in _NAMING.finditer(b"\n" + text)]  # where each such line starts
    raw: bytes | bytearray = text
    if naming:  # copied only where there is something to change
        raw = bytearray(text)
        for start in naming[:MAX_NAMING_LINES + 1]:
            raw[start] = ord("#")
    try:
        table = pd.read_csv(io.BytesIO(raw), sep=" ", header=None,
                            names=["key", "a", "b", "c"], comment="#", engine="c",
                            na_filter=False, low_memory=False, encoding="latin-1",
                            dtype={"key": "category", "a": dtype, "b": dtype, "c": dtype})
    except pd.errors.EmptyDataError:  # a block of comments and blank lines only
        return len(naming), np.empty(0, dtype=bool), np.empty((0, 3), dtype)
    except (ValueError, pd.errors.ParserError, UnicodeError, OverflowError):
        raise _DeclinedError from None  # a line with other fields, or text where numbers belong
    foreign = set(table["key"].cat.categories) - set(keys)
    if foreign == {"v"} and keys == "f":
        raise _InterleavedError
    if foreign or ("f" in keys and _may_hold_fractions(text, dtype)
                   and _NOT_INTEGER.search(b"\n" + text)):
        raise _DeclinedError  # pandas reads 1.0 as an integer index where trimesh refuses it
    values = table[["a", "b", "c"]].to_numpy(dtype)
    if dtype is np.float64 and not np.isfinite(values).all():
        raise _DeclinedError  # a short line, or nan and inf, which trimesh's path reports
    return len(naming), (table["key"] == "v").to_numpy(), values


def _may_hold_fractions(text: bytes, dtype: type) -> bool:
    """Whether faces in ``text`` could be written as 1.0 or 1e0: a byte search first, since a
    section of integer faces usually holds neither character (the regex costs ~0.1 s)."""
    return dtype is not np.int64 or any(c in text for c in (b".", b"e", b"E"))


def _looks_foreign(data: bytes) -> bool:
    """Whether evenly spaced windows of the file show a line beyond the plain subset."""
    for i in range(WINDOWS):
        start = (len(data) - WINDOW_BYTES) * i // (WINDOWS - 1) if len(data) > WINDOW_BYTES else 0
        window = data[start:start + WINDOW_BYTES]
        window = b"\n" + window if start == 0 else window[window.find(b"\n"):]
        window = window[:window.rfind(b"\n")]  # whole lines only
        if _FOREIGN.search(window):
            return True
    return False
