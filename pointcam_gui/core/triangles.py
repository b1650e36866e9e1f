"""Per-triangle geometry, written per coordinate on (3, m) rows and in blocks on the machine's
cores: edge vectors and cross products, areas, and trimesh's degeneracy test. The weld, the
sampling, the moments and the display's normals all build on these.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pointcam_gui.core.blocks import blockwise

TOLERANCE = 1e-8  # trimesh's tol.merge: shorter edges and lower triangles are degenerate


def triangle_areas(triangles: np.ndarray) -> np.ndarray:
    """(T,) areas of (T, 3, 3) triangles; the cross product written per coordinate, without
    ``np.cross``'s axis juggling, in blocks on the machine's cores."""
    out = np.empty(len(triangles))

    def block(rows: slice) -> None:
        t = triangles[rows]
        ab = t[:, 1] - t[:, 0]
        ac = t[:, 2] - t[:, 0]
        x = ab[:, 1] * ac[:, 2] - ab[:, 2] * ac[:, 1]
        y = ab[:, 2] * ac[:, 0] - ab[:, 0] * ac[:, 2]
        z = ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0]
        out[rows] = 0.5 * np.sqrt(x * x + y * y + z * z)

    blockwise(block, len(triangles))
    return out


def nondegenerate(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """(m,) bool: faces whose longest edge and whose height over it both exceed the tolerance
    (trimesh's ``triangles.nondegenerate``); a face with a repeated vertex has no height.
    Written per coordinate, in place where it can be: a third of the time of ``np.cross``.
    Vertices that are float32 values (a binary PLY's or STL's, widened) are tested in float32
    first (``surely_tall``); only the faces that test cannot settle are tested in float64."""
    columns = np.ascontiguousarray(np.asarray(vertices).T)
    single = _exactly_single(columns)
    keep = np.empty(len(faces), dtype=bool)

    def block(rows: slice) -> None:  # in blocks on the machine's cores
        f = faces[rows]
        distinct = (f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])
        if single is None:
            keep[rows] = distinct & tall_rows(*_edges(columns, f))
        else:
            keep[rows] = distinct & _settled(surely_tall(*_edges(single, f)),
                                             lambda unsure: tall_rows(*_edges(columns, f[unsure])))

    blockwise(block, len(faces))
    return keep


def _exactly_single(columns: np.ndarray) -> np.ndarray | None:
    """(3, n) float64 coordinates as float32, when every one of them is a float32 value."""
    if columns.dtype == np.float32:
        return columns
    head = columns[:, :1024]  # a text file's doubles usually show it at once: no full pass
    with np.errstate(over="ignore", invalid="ignore"):
        if not (head.astype(np.float32) == head).all():
            return None
    single = np.empty(columns.shape, dtype=np.float32)

    def block(rows: slice) -> bool:
        part = columns[:, rows]
        with np.errstate(over="ignore", invalid="ignore"):
            single[:, rows] = part
        return bool((single[:, rows] == part).all())

    return single if all(blockwise(block, columns.shape[1])) else None


def tall_triangles(t: np.ndarray) -> np.ndarray:
    """``tall_rows`` of (m, 3, 3) triangles as the float64 test answers it. float32 triangles
    (a binary STL's) are tested in their own precision first and in float64 only where that
    test cannot tell (``surely_tall``; the 1M-face STL's test 0.08 -> 0.04 s)."""
    if t.dtype != np.float32:
        return tall_rows(*_soup_edges(t.astype(np.float64, copy=False)))
    return _settled(surely_tall(*_soup_edges(t)),
                    lambda unsure: tall_rows(*_soup_edges(t[unsure].astype(np.float64))))


def _settled(sure: np.ndarray, float64_test: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``surely_tall``'s answer with the faces it left open answered by ``float64_test`` (of
    their indices)."""
    if not sure.all():
        unsure = np.flatnonzero(~sure)
        sure[unsure] = float64_test(unsure)
    return sure


def _soup_edges(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ab, ac and their cross product of (m, 3, 3) triangles, as (3, m) rows."""
    ab = (t[:, 1] - t[:, 0]).T
    ac = (t[:, 2] - t[:, 0]).T
    return ab, ac, cross_rows(ab, ac, np.empty_like(ab))


# ``surely_tall`` trusts float32 edges only this far beyond the tolerance: its rounding (a
# few units of 6e-8 of the edges' lengths and of their products) is far inside this margin.
_MARGIN = 1e-5


def surely_tall(ab: np.ndarray, ac: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """``tall_rows`` of float32 edges (the differences of float32 corners, rounded once),
    answered only where float32 cannot be wrong: True means the float64 test of the same
    corners says True; False means "test these in float64" (slivers, huge or tiny edges,
    non-finite corners). Half the memory traffic of the float64 test, for nearly every face
    of a real mesh. (``ac`` is overwritten.)"""
    twice_area, longest = _sizes(ab, ac, cross)
    tolerance = TOLERANCE * (1 + _MARGIN)
    return (longest > tolerance) & (twice_area > longest * (tolerance + _MARGIN * longest))


def tall_rows(ab: np.ndarray, ac: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """``nondegenerate``'s test on edges ab, ac and their cross product as (3, m) rows (``ac``
    is overwritten)."""
    twice_area, longest = _sizes(ab, ac, cross)
    with np.errstate(divide="ignore", invalid="ignore"):
        height = np.where(longest > 0, twice_area / longest, 0.0)
    return (longest > TOLERANCE) & (height > TOLERANCE)


def _sizes(ab: np.ndarray, ac: np.ndarray, cross: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Twice each triangle's area and its longest edge, from (3, m) rows of its edges ab, ac
    and their cross product, in their precision (``ac`` is overwritten)."""
    twice_area = np.sqrt(np.einsum("ij,ij->j", cross, cross))
    longest = np.maximum(np.einsum("ij,ij->j", ab, ab), np.einsum("ij,ij->j", ac, ac))
    ac -= ab  # now bc
    return twice_area, np.sqrt(np.maximum(longest, np.einsum("ij,ij->j", ac, ac)))


def edge_vectors(vertices: np.ndarray, faces: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each face's edges from its first corner, ab and ac, and their cross product, as (3, m)
    coordinate rows: written per coordinate, in place where it can be, and gathered with
    np.take (twice as fast as indexing rows, and it lets go of the GIL)."""
    return _edges(np.ascontiguousarray(np.asarray(vertices).T), faces)


def _edges(columns: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``edge_vectors`` from the vertices as (3, n) coordinate rows, in their own precision."""
    a, ab, ac = (np.take(columns, faces[:, i], axis=1) for i in range(3))
    ab -= a
    ac -= a
    return ab, ac, cross_rows(ab, ac, out=a)  # a is not needed any more


def cross_rows(ab: np.ndarray, ac: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The cross product of (3, m) coordinate rows, written into ``out``."""
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        np.multiply(ab[j], ac[k], out=out[i])
        out[i] -= ab[k] * ac[j]
    return out
