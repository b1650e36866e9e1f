"""A fast reader for big ASCII STL files: pandas' C tokenizer instead of trimesh's parser.

An ASCII STL is a list of ``facet normal``, ``outer loop``, three ``vertex x y z`` lines,
``endloop`` and ``endfacet``, inside ``solid`` ... ``endsolid``. Marking every other line as a
comment and blanking every ``vertex`` leaves a table of coordinates that pandas reads in a
fraction of trimesh's time. The file is read in blocks of whole lines, a few at once on the
machine's cores, so memory stays well under the file's size.
Anything else (upper-case keywords, a facet of more than three vertices, a missing or extra
number, nan or inf) makes the counts or the numbers disagree, the reader answers None, and
trimesh reads the file as before: a shortcut, never a second interpretation. Small files go
to trimesh directly, where importing pandas would cost more than it saves.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from pointcam_gui.core.blocks import TEXT_BLOCK, blockwise

FROM_BYTES = 4_000_000
_VERTEX = np.frombuffer(b"vertex", dtype=np.uint8)


def read_ascii_stl(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """(vertices (3m, 3) float64, faces (m, 3) int64 = 0, 1, 2, ...) of a big ASCII STL
    written the common way, or None: small, or anything unusual (trimesh's path reads it)."""
    size = path.stat().st_size
    if size < FROM_BYTES:
        return None
    with path.open("rb") as f:  # blocks of whole lines: each ends after a newline
        cuts = [0]
        for nominal in range(TEXT_BLOCK, size, TEXT_BLOCK):
            f.seek(nominal)
            newline = f.read(1 << 16).find(b"\n")
            if newline < 0:
                return None  # a line longer than any STL writes
            if nominal + newline + 1 > cuts[-1]:
                cuts.append(nominal + newline + 1)
        cuts.append(size)

    def block(rows: slice) -> tuple[int, np.ndarray]:
        with path.open("rb") as f:
            f.seek(cuts[rows.start])
            text = f.read(cuts[rows.start + 1] - cuts[rows.start])
        return text.count(b"endfacet"), _coordinates(text if text.endswith(b"\n")
                                                     else text + b"\n")

    try:
        parts = blockwise(block, len(cuts) - 1, block=1)  # pandas lets go of the GIL too
    except (ValueError, OverflowError, UnicodeError):
        return None  # pandas' ParserError is a ValueError: a line with other fields
    facets = sum(count for count, _ in parts)
    values = np.concatenate([coordinates for _, coordinates in parts])
    if facets == 0 or len(values) != 3 * facets or not np.isfinite(values).all():
        return None
    return values, np.arange(len(values), dtype=np.int64).reshape(-1, 3)


def _coordinates(text: bytes) -> np.ndarray:
    """The ``vertex`` lines' numbers of whole lines of an ASCII STL, as (k, 3) float64: every
    other line starts with a comment mark and every ``vertex`` becomes blank, in place (a
    few vectorised writes: ``bytes.replace`` of each keyword took four times as long)."""
    import pandas as pd

    raw = bytearray(text)
    buf = np.frombuffer(raw, dtype=np.uint8)  # writes below land in raw
    v = np.flatnonzero(buf == ord("v"))  # no other keyword has a "v"; a name might
    if not len(v):  # a block of closing lines only ("endloop", "endfacet", "endsolid")
        return np.empty((0, 3))
    if v[-1] + 6 > len(buf) or not (buf[v[:, None] + np.arange(6)] == _VERTEX).all():
        raise ValueError("a 'v' that does not start 'vertex'")
    newlines = np.flatnonzero(buf == ord("\n"))
    starts = np.r_[0, newlines + 1]  # every line's first byte (the last one is past the end)
    lines = starts[:-1][(buf[starts[:-1]] != ord("\n")) & (buf[starts[:-1]] != ord("\r"))]
    buf[lines] = ord("#")
    buf[starts[np.searchsorted(newlines, v)]] = ord(" ")  # the vertex lines are not comments
    buf[v[:, None] + np.arange(6)] = ord(" ")
    table = pd.read_csv(io.BytesIO(raw), sep=r"\s+", header=None, names=["x", "y", "z"],
                        comment="#", engine="c", na_filter=False, dtype=np.float64)
    return table.to_numpy(np.float64).reshape(-1, 3)
