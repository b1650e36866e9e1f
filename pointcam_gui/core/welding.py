"""A triangle set made one clean mesh: vertices welded, degenerate and repeated faces dropped.

Welding keeps trimesh's semantics (vertices equal on a 1e-8 grid become one, in order of first
appearance) and its degeneracy test (``triangles``: a triangle whose longest edge or whose height
over it is under 1e-8), without its sorts: rows are grouped by hashing (``grouping``). Faces are
compared the same way.

Only the display needs every shared vertex found; sampling and the surface moments need the
triangles, and the placement in the unit sphere needs each distinct corner once or a few times.
So a part can also be read without the weld (``fuse``: the triangles ``weld`` keeps, with most
bit-identical corners merged by small hash tables over nearby rows, no exact grouping) and
welded only when a picture is asked for (``welded``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.grouping import (
    HASH_FROM,
    any_repeated_set,
    first_of_each,
    group_codes,
    row_keys,
)
from pointcam_gui.core.triangles import TOLERANCE, nondegenerate, tall_triangles

if TYPE_CHECKING:
    import trimesh

UNWELDED = "unwelded"  # the metadata flag of a mesh from ``fuse``: ``welded`` finishes it

_SLOT_BLOCK, _SLOT_BITS = 1 << 16, 17  # fuse: rows per block, and its hash table's slots (log2)


def weld(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) float and faces (m, 3) int -> the welded, cleaned vertices and faces:
    equal vertices merged, degenerate and repeated faces dropped, unused vertices removed."""
    # the exact pass pays where rows go through the hash table; a sort gains nothing from it
    soup = len(vertices) >= HASH_FROM and len(vertices) > 1.5 * len(faces)
    first, inverse = _grid_groups(vertices, soup=soup)
    # An indexed file is usually clean already: each step that finds nothing to drop or merge
    # skips its gathers (a 5M-face OBJ's weld 1.5-1.9 -> 0.7-0.9 s, measured).
    if len(first) < len(vertices):  # else every row is its own first: the identity
        vertices, faces = vertices[first], inverse[faces]
    keep = nondegenerate(vertices, faces)
    if not keep.all():
        faces = faces[keep]
    if any_repeated_set(faces):  # usually not: then no face needs to be sorted and grouped
        first = first_of_each(_sorted_rows(faces))[0]
        if len(first) < len(faces):
            faces = faces[first]
    used = np.zeros(len(vertices), dtype=bool)
    used[faces] = True
    if used.all():
        return vertices, faces
    remap = np.cumsum(used) - 1
    return vertices[used], remap[faces]


def _sorted_rows(faces: np.ndarray) -> np.ndarray:
    """``np.sort(faces, axis=1)`` as smallest, middle (sum less the other two) and largest, in
    blocks: numpy's sort of many three-element rows took 0.15-0.24 s for 5M rows, this 0.10."""
    out = np.empty_like(faces)

    def block(rows: slice) -> None:
        a, b, c = faces[rows].T
        low, high = np.minimum(np.minimum(a, b), c), np.maximum(np.maximum(a, b), c)
        out[rows, 0], out[rows, 2] = low, high
        out[rows, 1] = a + b + c - low - high

    blockwise(block, len(faces))
    return out


def fuse(triangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, 3, 3) float64 or float32 triangles -> the triangles ``weld`` keeps, in its order, as
    float64 vertices and faces in which bit-identical corners share a vertex where a cheap
    search finds them: every distinct corner is a vertex, some of them more than once. The
    analysis reads the same triangles as from the welded mesh; ``welded`` finishes the weld for
    a picture.

    The triangles kept are those that are not degenerate and, of a repeated triangle (the same
    corners in any order), the first. Corners are compared exactly, where ``weld`` compares
    them on its 1e-8 grid: the two differ only for corners closer than that and not
    bit-identical, which CAD exports do not write. float32 corners (a binary STL's) are
    compared as they are, which is the same as comparing them widened, at half the memory
    traffic; the degeneracy test answers as ``weld``'s float64 one does (``tall_triangles``)."""
    m = len(triangles)
    tall = np.empty(m, dtype=bool)
    single = triangles.dtype == np.float32
    # the corners' bits, -0.0 made 0.0
    exact = np.empty((3 * m, 3), dtype=np.int32 if single else np.int64)
    keys = np.empty(3 * m, dtype=np.uint64)
    triangle_keys = np.empty(m, dtype=np.uint64)  # the sum of its corners': any order, one key

    def block(rows: slice) -> None:  # in blocks on the machine's cores: all of it is per row
        t = triangles[rows]
        tall[rows] = tall_triangles(t)  # equal corners: no height
        corners = slice(3 * rows.start, 3 * rows.stop)
        np.add(t.reshape(-1, 3), t.dtype.type(0.0), out=exact[corners].view(t.dtype))
        k = keys[corners] = row_keys(_wide_bits(exact[corners]))
        triangle_keys[rows] = k[0::3] + k[1::3] + k[2::3]  # wraps around, as a uint64 sum does

    blockwise(block, m)
    if not tall.all():
        corners_kept = np.repeat(tall, 3)
        exact, keys, triangle_keys = exact[corners_kept], keys[corners_kept], triangle_keys[tall]
    first = _first_triangles(exact, triangle_keys)
    if first is not None:
        exact = exact.reshape(-1, 3, 3)[first].reshape(-1, 3)
        keys = keys.reshape(-1, 3)[first].ravel()
    corner, own = _shared_corners(exact, keys)
    return _compact(exact, corner, own)


def _compact(exact: np.ndarray, corner: np.ndarray, own: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """The rows that own their vertex, as vertices, and every row's vertex number, as faces:
    the running count of owners, block by block on the machine's cores (each block's own count
    plus the owners of the blocks before it)."""
    counts = blockwise(lambda rows: int(np.count_nonzero(own[rows])), len(own), _SLOT_BLOCK)
    offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.intp)])
    number = np.empty(len(own), dtype=np.intp)
    vertices = np.empty((int(offsets[-1]), 3), dtype=np.float64)

    def numbered(rows: slice) -> None:
        i, mine = rows.start // _SLOT_BLOCK, own[rows]  # the block's place among the counts
        np.cumsum(mine, out=number[rows])
        number[rows] += offsets[i] - 1
        owners = vertices[offsets[i]:offsets[i + 1]]
        if exact.dtype == np.int64:  # straight into place
            np.compress(mine, exact[rows], axis=0, out=owners.view(np.int64))
        else:  # float32 corners, widened
            owners[:] = np.compress(mine, exact[rows], axis=0).view(np.float32)

    blockwise(numbered, len(own), _SLOT_BLOCK)
    faces = np.empty(len(corner), dtype=np.intp)
    blockwise(lambda rows: np.take(number, corner[rows], out=faces[rows]), len(corner))
    return vertices, faces.reshape(-1, 3)


def _first_triangles(exact: np.ndarray, triangle_keys: np.ndarray) -> np.ndarray | None:
    """Of triangles given by their corners' exact rows and keys (the sum of their corners'
    keys: the same for the corners in any order), the first of each repeated one, or None
    when none repeats."""
    ordered = np.sort(triangle_keys)  # tells whether any key repeats in a tenth of a grouping
    if not (ordered[1:] == ordered[:-1]).any():  # every key differs, so every triangle does
        return None
    codes = group_codes(triangle_keys.view(np.int64))
    shared = np.flatnonzero(np.bincount(codes)[codes] > 1)  # repeated, or keys that collide
    rows = exact.reshape(-1, 3, 3)[shared]
    order = np.lexsort((rows[:, :, 2], rows[:, :, 1], rows[:, :, 0]), axis=-1)
    rows = np.take_along_axis(rows, order[:, :, None], axis=1).reshape(len(shared), 9)
    first = np.ones(len(codes), dtype=bool)
    first[shared] = False
    first[shared[first_of_each(_wide_bits(rows))[0]]] = True
    return np.flatnonzero(first)


def _wide_bits(rows: np.ndarray) -> np.ndarray:
    """Rows of 64-bit or 32-bit patterns as 64-bit ones (``row_keys`` hashes 64-bit rows)."""
    return rows if rows.dtype.itemsize == 8 else rows.view(np.uint32).astype(np.uint64)


def _shared_corners(exact: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the row whose vertex it uses: itself, or an equal row near it in the file.
    Files list a vertex's triangles close together, so a small hash table per block of rows
    (in cache: a table over all rows, sized for them, took three times as long) finds most
    equal rows; rows that collide in a slot, or whose equals lie in other blocks, keep their
    own vertex. No two different rows ever share."""
    corner = np.empty(len(keys), dtype=np.intp)
    own = np.empty(len(keys), dtype=bool)
    shift = np.uint64(64 - _SLOT_BITS)

    def block(rows: slice) -> None:
        owner = np.empty(1 << _SLOT_BITS, dtype=np.intp)  # its own table: blocks run at once
        index = np.arange(rows.start, rows.stop)
        slots = (keys[rows] >> shift).astype(np.intp)
        owner[slots] = index  # where several rows write one slot, one of them owns it
        found = np.take(owner, slots)  # np.take lets go of the GIL where a[idx] holds it
        theirs, mine = np.take(exact, found, axis=0), exact[rows]
        # column by column: ``(theirs == mine).all(axis=1)`` took six times as long
        same = theirs[:, 0] == mine[:, 0]
        for column in range(1, theirs.shape[1]):
            same &= theirs[:, column] == mine[:, column]
        corner[rows] = np.where(same, found, index)
        own[rows] = corner[rows] == index

    blockwise(block, len(keys), _SLOT_BLOCK)
    return corner, own


def welded(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """``mesh`` itself, or a mesh read without the weld (``metadata[UNWELDED]``) welded."""
    if not mesh.metadata.get(UNWELDED):
        return mesh
    import trimesh

    vertices, faces = weld(np.asarray(mesh.vertices), np.asarray(mesh.faces))
    metadata = {k: v for k, v in mesh.metadata.items() if k != UNWELDED}
    return trimesh.Trimesh(vertices, faces, process=False, metadata=metadata)


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
    reach = max(blockwise(lambda rows: float(np.abs(vertices[rows]).max(initial=0.0)),
                          len(vertices)), default=0.0)
    scale = min(1.0 / TOLERANCE, 2.0**61 / max(reach, 1e-300))
    grid = np.empty(np.shape(vertices), dtype=np.int64)

    def rounded(rows: slice) -> None:
        grid[rows] = np.rint(vertices[rows] * scale)  # written as int64: the same as astype

    blockwise(rounded, len(vertices))
    return first_of_each(grid, mostly_distinct=True)
