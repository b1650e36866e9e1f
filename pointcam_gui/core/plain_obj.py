"""A fast reader for the plain OBJ that scanners and mesh tools write: `v x y z` and `f a b c`
(with object, group, smoothing and material lines, which name parts but do not shape them).

trimesh's OBJ reader handles the whole format (groups, materials, texture coordinates,
polygons, relative indices) and takes about 8x VTK's time on a 1.3M-face part; most big OBJ
files use none of that. pandas' C tokenizer reads such a file in a fraction of VTK's time.
Anything beyond the plain subset (another keyword, a slash, a polygon, a tab, a relative
index) answers None, and trimesh reads the file as before: this is a shortcut, never a second
interpretation. Weighed: ``np.loadtxt`` (3x slower, no mixed rows), a regex split (2x slower).
The file is parsed in blocks of whole lines, a few at once on the machine's cores (pandas lets
go of the GIL while it tokenizes): the 5.2M-face OBJ in 1.6 s against 2.2 s in one piece.
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


def read_plain_obj(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """(vertices (n, 3) float64, faces (m, 3) int64 counted from 0) of a plain triangle OBJ,
    or None when the file uses anything else, or is small enough for trimesh."""
    if path.stat().st_size < FROM_BYTES:
        return None
    data = path.read_bytes()
    if _looks_foreign(data):
        return None
    cuts = [0]  # blocks of whole lines, parsed a few at once on the machine's cores
    while cuts[-1] < len(data):
        end = data.find(b"\n", cuts[-1] + TEXT_BLOCK)
        cuts.append(len(data) if end < 0 else end + 1)
    try:
        parts = blockwise(lambda rows: _table(data[cuts[rows.start]:cuts[rows.stop]]),
                          len(cuts) - 1, block=1)
    except _DeclinedError:
        return None
    if not parts or sum(naming for naming, _, _ in parts) > MAX_NAMING_LINES:
        return None
    is_vertex = np.concatenate([v for _, v, _ in parts])
    values = np.concatenate([table for _, _, table in parts])
    vertices, indices = values[is_vertex], values[~is_vertex]
    if (not len(vertices) or not len(indices) or (indices < 1).any()
            or (indices > len(vertices)).any() or (indices != np.rint(indices)).any()):
        return None  # nothing to show, a relative or missing index, or not an index at all:
    #                  trimesh's path says what is wrong
    return vertices, indices.astype(np.int64) - 1


class _DeclinedError(Exception):
    """A block of the file is not plain: trimesh's path reads the file."""


def _table(text: bytes) -> tuple[int, np.ndarray, np.ndarray]:
    """Whole lines of a plain OBJ -> (naming lines, is-vertex (k,), numbers (k, 3)): the lines
    that name parts become comments, pandas reads the rest."""
    import pandas as pd

    raw = bytearray(text)
    naming = [m.start() for m in _NAMING.finditer(b"\n" + text)]  # where each such line starts
    for start in naming[:MAX_NAMING_LINES + 1]:
        raw[start] = ord("#")
    try:
        table = pd.read_csv(io.BytesIO(raw), sep=" ", header=None,
                            names=["key", "a", "b", "c"], comment="#", engine="c",
                            na_filter=False, low_memory=False, encoding="latin-1",
                            dtype={"key": "category", "a": np.float64, "b": np.float64,
                                   "c": np.float64})
    except pd.errors.EmptyDataError:  # a block of comments and blank lines only
        return len(naming), np.empty(0, dtype=bool), np.empty((0, 3))
    except (ValueError, pd.errors.ParserError, UnicodeError, OverflowError):
        raise _DeclinedError from None  # a line with other fields, or text where numbers belong
    if set(table["key"].cat.categories) - {"v", "f"}:
        raise _DeclinedError
    values = table[["a", "b", "c"]].to_numpy(np.float64)
    if not np.isfinite(values).all():
        raise _DeclinedError  # a short line, or nan and inf, which trimesh's path reports
    return len(naming), (table["key"] == "v").to_numpy(), values


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
