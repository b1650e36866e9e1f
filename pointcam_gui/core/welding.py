"""A triangle set made one clean mesh: vertices welded, degenerate and repeated faces dropped.

Welding keeps trimesh's semantics (vertices equal on a 1e-8 grid become one, in order of first
appearance) and its degeneracy test (a triangle whose longest edge or whose height over it is
under 1e-8), without its sorts: rows are hashed to one 64-bit key each, and keys are grouped by
a hash table (``pandas.factorize``) for big parts, by one sort (``np.unique``) for small ones,
where importing pandas would cost more than it saves. A hash collision is detected and the exact
rows are grouped instead, column by column. Faces are compared the same way.
"""

from __future__ import annotations

import numpy as np

HASH_FROM = 600_000  # rows: from here pandas' hash table beats numpy's sort, import included
TOLERANCE = 1e-8  # trimesh's tol.merge


def weld(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) float and faces (m, 3) int -> the welded, cleaned vertices and faces:
    equal vertices merged, degenerate and repeated faces dropped, unused vertices removed."""
    # the grid is 1e-8 unless the coordinates are so large that int64 would overflow
    scale = min(1.0 / TOLERANCE, 2.0**61 / max(float(np.abs(vertices).max()), 1e-300))
    q = np.round(vertices * scale).astype(np.int64)
    first, inverse = first_of_each(q)
    vertices, faces = vertices[first], inverse[faces]
    keep = nondegenerate(vertices, faces)
    faces = faces[keep]
    ordered = np.sort(faces, axis=1)
    faces = faces[first_of_each(ordered)[0]]
    used = np.zeros(len(vertices), dtype=bool)
    used[faces] = True
    remap = np.cumsum(used) - 1
    return vertices[used], remap[faces]


def first_of_each(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For (n, k) int64 rows: the index of each distinct row's first appearance, in order of
    appearance, and every row's group number in that order (``rows[first][inverse] == rows``)."""
    codes = _codes(_row_keys(rows))
    first = _firsts(codes)
    if not (rows[first][codes] == rows).all():  # a hash collision: rare; group exact rows
        codes = _codes(rows[:, 0])
        for column in rows.T[1:]:
            other = _codes(column)
            codes = _codes(codes * (int(other.max()) + 1) + other)
        first = _firsts(codes)
    return first, codes


def nondegenerate(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """(m,) bool: faces whose longest edge and whose height over it both exceed the tolerance
    (trimesh's ``triangles.nondegenerate``); a face with a repeated vertex has no height."""
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    ab, ac = b - a, c - a
    twice_area = np.linalg.norm(np.cross(ab, ac), axis=1)
    longest = np.sqrt(np.maximum(np.maximum(np.einsum("ij,ij->i", ab, ab),
                                            np.einsum("ij,ij->i", ac, ac)),
                                 np.einsum("ij,ij->i", c - b, c - b)))
    with np.errstate(divide="ignore", invalid="ignore"):
        height = np.where(longest > 0, twice_area / longest, 0.0)
    distinct = ((faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2])
                & (faces[:, 0] != faces[:, 2]))
    return distinct & (longest > TOLERANCE) & (height > TOLERANCE)


def _codes(keys: np.ndarray) -> np.ndarray:
    """Group numbers of 1-D keys, numbered in order of first appearance."""
    if len(keys) >= HASH_FROM:
        import pandas as pd

        return pd.factorize(keys)[0].astype(np.int64, copy=False)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()]


def _firsts(codes: np.ndarray) -> np.ndarray:
    """The first index of each group number 0..g-1 (numbered in order of appearance)."""
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first index
    return first


_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)


def _row_keys(q: np.ndarray) -> np.ndarray:
    """One well-mixed 64-bit key per (n, k) int64 row, so grouping sees n keys, not rows: each
    column times its own odd constant, summed (wrapping), then one finalising mix. Few passes
    over the data: at millions of rows each pass costs tens of milliseconds."""
    h = q.view(np.uint64)
    key = h[:, 0] * np.uint64(_MIX[0])
    for i in range(1, h.shape[1]):
        key += h[:, i] * np.uint64(_MIX[i % len(_MIX)])
    key ^= key >> np.uint64(31)
    key *= np.uint64(0xBF58476D1CE4E5B9)
    return key
