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
    # the exact pass pays where rows go through the hash table; a sort gains nothing from it
    soup = len(vertices) >= HASH_FROM and len(vertices) > 1.5 * len(faces)
    first, inverse = _grid_groups(vertices, soup=soup)
    vertices, faces = vertices[first], inverse[faces]
    faces = faces[nondegenerate(vertices, faces)]
    faces = faces[first_of_each(np.sort(faces, axis=1))[0]]
    used = np.zeros(len(vertices), dtype=bool)
    used[faces] = True
    remap = np.cumsum(used) - 1
    return vertices[used], remap[faces]


def _grid_groups(vertices: np.ndarray, soup: bool) -> tuple[np.ndarray, np.ndarray]:
    """``first_of_each`` of the vertices on the 1e-8 grid. A triangle soup (every corner
    written out, as STL does) first groups bit-identical rows, which need no rounding, and
    rounds only one of each: the same groups, without rounding every corner."""
    if soup:
        exact = (vertices + 0.0).view(np.int64)  # + 0.0 makes -0.0 equal to 0.0
        first, inverse = first_of_each(exact)
        grid_first, grid_inverse = _grid_groups(vertices[first], soup=False)
        return first[grid_first], grid_inverse[inverse]
    # the grid is 1e-8 unless the coordinates are so large that int64 would overflow
    scale = min(1.0 / TOLERANCE, 2.0**61 / max(float(np.abs(vertices).max(initial=0.0)), 1e-300))
    return first_of_each(np.rint(vertices * scale).astype(np.int64))


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
    (trimesh's ``triangles.nondegenerate``); a face with a repeated vertex has no height.
    Written per coordinate, in place where it can be: a third of the time of ``np.cross``."""
    ab, ac, cross = edge_vectors(vertices, faces)
    twice_area = np.sqrt(np.einsum("ij,ij->j", cross, cross))
    longest = np.maximum(np.einsum("ij,ij->j", ab, ab), np.einsum("ij,ij->j", ac, ac))
    ac -= ab  # now bc
    longest = np.sqrt(np.maximum(longest, np.einsum("ij,ij->j", ac, ac)))
    with np.errstate(divide="ignore", invalid="ignore"):
        height = np.where(longest > 0, twice_area / longest, 0.0)
    distinct = ((faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2])
                & (faces[:, 0] != faces[:, 2]))
    return distinct & (longest > TOLERANCE) & (height > TOLERANCE)


def edge_vectors(vertices: np.ndarray, faces: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each face's edges from its first corner, ab and ac, and their cross product, as (3, m)
    coordinate rows: written per coordinate, in place where it can be, and gathered with
    np.take (twice as fast as indexing rows, and it lets go of the GIL)."""
    columns = np.ascontiguousarray(np.asarray(vertices).T)  # in the vertices' own precision
    a, ab, ac = (np.take(columns, faces[:, i], axis=1) for i in range(3))
    ab -= a
    ac -= a
    cross = a  # reused: a is not needed any more
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        np.multiply(ab[j], ac[k], out=cross[i])
        cross[i] -= ab[k] * ac[j]
    return ab, ac, cross


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
    """One well-mixed 64-bit key per (n, k) 64-bit row, so grouping sees n keys, not rows: each
    column folded (its high half onto its low half: a double's low mantissa bits are zero when
    it came from a float32, a grid integer's high bits are zero), times its own odd constant,
    summed (wrapping), then one finalising mix. Few passes: at millions of rows each costs tens
    of milliseconds."""
    h = q.view(np.uint64)
    key = np.zeros(len(h), dtype=np.uint64)
    for i in range(h.shape[1]):
        column = h[:, i] ^ (h[:, i] >> np.uint64(32))
        column *= np.uint64(_MIX[i % len(_MIX)])
        key += column
    key ^= key >> np.uint64(31)
    key *= np.uint64(0xBF58476D1CE4E5B9)
    return key
