"""Display geometry with crisp creases: split the display mesh's vertices at sharp edges.

CAD parts are mostly flat faces meeting at sharp edges; one normal per shared vertex smears
the shading across those edges (a hex nut looks melted). Here each vertex is split into one
copy per smooth fan of faces around it, each copy with its own normal, and `source` maps every
copy back to the display-mesh vertex whose heat it shows. Pure numpy/scipy, so the worker thread
computes it and the GUI thread only copies arrays into VTK.

A part of more than SPLIT_MAX_FACES faces is drawn as its facets instead, with no normals: VTK's
shader then lights each triangle by its own plane, which is what F3D and ParaView show for an
STL. Its triangles are then mostly smaller than a pixel, so the two pictures cannot be told
apart (compared on a 3M-face cylinder on a block and the 5M-face sphere), while the split takes
3-4 s of a 5M-face part's open -> heat and doubles the arrays handed to VTK.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import trimesh
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.triangles import edge_vectors

CREASE_ANGLE_DEG = 35.0
SPLIT_MAX_FACES = 1_000_000  # above this, facets (see the module's docstring)


@dataclass(frozen=True)
class DisplayGeometry:
    vertices: np.ndarray  # (S, 3) float32
    faces: np.ndarray  # (F, 3) int64, same faces and order as the display mesh
    normals: np.ndarray | None  # (S, 3) float32, unit length; None: each facet lit flat
    source: np.ndarray  # (S,) int64: display-mesh vertex of each split vertex

    def heat(self, vertex_heat: np.ndarray) -> np.ndarray:
        """Per-display-vertex values -> per-split-vertex values (a gather, no interpolation)."""
        return np.asarray(vertex_heat)[self.source]


def display_geometry(mesh: trimesh.Trimesh) -> DisplayGeometry:
    """What the viewport draws for a display mesh: split at its creases, or over
    SPLIT_MAX_FACES faces its facets as they are."""
    return facets(mesh) if drawn_as_facets(mesh) else split_sharp_edges(mesh)


def drawn_as_facets(mesh: trimesh.Trimesh) -> bool:
    """Whether ``display_geometry`` draws this display mesh as its facets."""
    return len(mesh.faces) > SPLIT_MAX_FACES


def facets(mesh: trimesh.Trimesh) -> DisplayGeometry:
    """The display mesh as it is, without normals (lit flat per triangle by the renderer)."""
    vertices = np.asarray(mesh.vertices, dtype=np.float32)
    return DisplayGeometry(vertices, np.asarray(mesh.faces, dtype=np.int64), None,
                           np.arange(len(vertices), dtype=np.int64))


def split_sharp_edges(mesh: trimesh.Trimesh,
                      crease_deg: float = CREASE_ANGLE_DEG) -> DisplayGeometry:
    """One vertex per (vertex, smooth fan of faces); normals area-weighted within each fan.

    Written on the face array alone (edges as one 64-bit key each, grouped by sorting; normals
    per coordinate; rows gathered with np.take; the fans' graph built straight in CSR form),
    not on trimesh's face adjacency: 4.4 s against 9-11 s for a 5M-face part, the same output
    on the 100 real dev parts, and the GIL let go of except in scipy's connected components
    (about 0.2 s at 5M faces).
    """
    faces = np.asarray(mesh.faces, dtype=np.int64)
    vertices = np.asarray(mesh.vertices)
    n_faces = len(faces)
    if n_faces == 0:
        empty = np.zeros((0, 3), np.float32)
        return DisplayGeometry(empty, faces, empty, np.zeros(0, np.int64))
    # The normals on a second thread while the edges are sorted: both are numpy that lets go
    # of the GIL (5M faces: 1.1-1.4 s against 1.7-2.1 s one after the other, measured).
    with ThreadPoolExecutor(1, thread_name_prefix="pointcam-normals") as pool:
        normals_ahead = pool.submit(_face_normals, vertices, faces)
        # Corners (face f, slot k) are graph nodes 3f+k. Two faces meeting at a smooth edge
        # join their corners at both ends of that edge; every connected set of corners is one
        # vertex.
        first, second = _shared_edges(faces, len(vertices))  # half-edges 3f+k: slot k -> k+1
        weights, unit = normals_ahead.result()  # area-weighted (3, F), unit (F, 3)
    face_a, face_b = first // 3, second // 3
    # np.take, not unit[face_a]: numpy's fancy indexing of rows holds the GIL (0.9 s at 15M
    # rows, measured), np.take lets go of it and is three times faster
    cosine = np.einsum("ij,ij->i", np.take(unit, face_a, axis=0), np.take(unit, face_b, axis=0))
    smooth = cosine > np.cos(np.radians(crease_deg))
    first, second = first[smooth], second[smooth]
    corner_vertex = faces.ravel()
    labels, count = _fans(corner_vertex, first, second)
    source = np.zeros(count, np.int64)
    source[labels] = corner_vertex
    # Each split vertex's normal: the sum of its corners' face weights, per coordinate (a row
    # gather of the (F, 3) weights held the GIL for 0.4 s at 15M corners, measured).
    normals = np.stack([np.bincount(labels, np.repeat(column, 3), minlength=count)
                        for column in weights], axis=1)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.divide(normals, length, out=np.zeros_like(normals), where=length > 0)
    return DisplayGeometry(vertices=np.take(vertices, source, axis=0).astype(np.float32),
                           faces=labels.reshape(-1, 3).astype(np.int64),
                           normals=normals.astype(np.float32), source=source)


def _fans(corner_vertex: np.ndarray, first: np.ndarray, second: np.ndarray
          ) -> tuple[np.ndarray, int]:
    """Label every corner with its smooth fan: corners joined across the smooth edges given as
    pairs of twin half-edges. Half-edge 3f+k runs from corner 3f+k to corner 3f+(k+1)%3, and a
    corner touches two edges of its face (the half-edge leaving it and the one arriving), so it
    has at most two neighbours: the graph is built straight in CSR form with two slots per
    corner (itself where there is no neighbour), with no sorting of pairs (scipy's COO to CSR
    conversion took about a second at 5M faces)."""
    size = len(corner_vertex)
    dtype: type[np.signedinteger[Any]] = np.int32 if 2 * size < 2**31 else np.int64
    neighbours = np.empty((size, 2), dtype=dtype)  # [:, 0] by the half-edge leaving, [:, 1]
    #                                                by the one arriving; itself where none

    def unjoined(rows: slice) -> None:
        neighbours[rows] = np.arange(rows.start, rows.stop, dtype=dtype)[:, None]

    def joined(rows: slice) -> None:  # each corner's slot is written by one pair: blocks
        a, b = first[rows].astype(dtype), second[rows].astype(dtype)  # are independent
        end_a, end_b = a + 1, b + 1
        end_a[a % 3 == 2] -= 3
        end_b[b % 3 == 2] -= 3
        # the twin may run either way: the corners at the same vertex are joined
        same_way = np.take(corner_vertex, a) == np.take(corner_vertex, b)
        neighbours[a, 0] = np.where(same_way, b, end_b)
        neighbours[end_a, 1] = np.where(same_way, end_b, b)
        neighbours[b, 0] = np.where(same_way, a, end_a)
        neighbours[end_b, 1] = np.where(same_way, end_a, a)

    # in blocks on the machine's cores, in 32-bit where it fits: 0.85 -> 0.42 s at 5M faces
    blockwise(unjoined, size)
    blockwise(joined, len(first))
    indptr = np.arange(0, 2 * size + 1, 2, dtype=neighbours.dtype)
    graph = csr_matrix((np.ones(2 * size), neighbours.ravel(), indptr), shape=(size, size))
    count, labels = connected_components(graph, directed=False)
    return labels, int(count)


def _face_normals(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area-weighted normals (half the cross product) as (3, F) columns and unit normals
    (zero where degenerate) as (F, 3) rows, from ``core.triangles.edge_vectors``."""
    _, _, cross = edge_vectors(np.asarray(vertices, dtype=np.float64), faces)
    length = np.sqrt(np.einsum("ij,ij->j", cross, cross))
    unit = np.divide(cross, length, out=np.zeros_like(cross), where=length > 0)
    return 0.5 * cross, np.ascontiguousarray(unit.T)


def _shared_edges(faces: np.ndarray, n_vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """The two half-edges (3f+k: from slot k to slot k+1 of face f) of every edge that exactly
    two faces share, as trimesh's face adjacency counts them; edges of one face, or of three
    or more, join nothing. Grouped by sorting the edge keys: numpy's sort lets go of the GIL
    (the window keeps painting) and beat pandas' hash table here (1.2 s against 3.5 s for 15M
    keys, measured)."""
    start = faces.ravel()
    end = faces[:, [1, 2, 0]].ravel()
    key = np.minimum(start, end) * np.int64(n_vertices) + np.maximum(start, end)
    order = np.argsort(key)
    ordered = key[order]
    boundary = np.flatnonzero(np.diff(ordered)) + 1
    group_start = np.concatenate([[0], boundary])
    group_size = np.diff(np.concatenate([group_start, [len(key)]]))
    pairs = group_start[group_size == 2]
    return order[pairs], order[pairs + 1]
