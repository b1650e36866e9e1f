"""Display geometry with crisp creases: split the display mesh's vertices at sharp edges.

CAD parts are mostly flat faces meeting at sharp edges; one normal per shared vertex smears
the shading across those edges (a hex nut looks melted). Here each vertex is split into one
copy per smooth fan of faces around it, each copy with its own normal, and `source` maps every
copy back to the display-mesh vertex whose heat it shows. Pure numpy/scipy, so the worker thread
computes it and the GUI thread only copies arrays into VTK.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import trimesh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

CREASE_ANGLE_DEG = 35.0


@dataclass(frozen=True)
class DisplayGeometry:
    vertices: np.ndarray  # (S, 3) float32
    faces: np.ndarray  # (F, 3) int64, same faces and order as the display mesh
    normals: np.ndarray  # (S, 3) float32, unit length
    source: np.ndarray  # (S,) int64: display-mesh vertex of each split vertex

    def heat(self, vertex_heat: np.ndarray) -> np.ndarray:
        """Per-display-vertex values -> per-split-vertex values (a gather, no interpolation)."""
        return np.asarray(vertex_heat)[self.source]


def split_sharp_edges(mesh: trimesh.Trimesh,
                      crease_deg: float = CREASE_ANGLE_DEG) -> DisplayGeometry:
    """One vertex per (vertex, smooth fan of faces); normals area-weighted within each fan."""
    faces = np.asarray(mesh.faces, dtype=np.int64)
    vertices = np.asarray(mesh.vertices)
    n_faces = len(faces)
    if n_faces == 0:
        empty = np.zeros((0, 3), np.float32)
        return DisplayGeometry(empty, faces, empty, np.zeros(0, np.int64))
    face_normals = np.asarray(mesh.face_normals, dtype=np.float64)
    weights = np.asarray(mesh.area_faces, dtype=np.float64)[:, None] * face_normals
    # Corners (face f, slot k) are graph nodes 3f+k. Two faces meeting at a smooth edge join
    # their corners at both ends of that edge; every connected set of corners is one vertex.
    pairs = np.asarray(mesh.face_adjacency, dtype=np.int64)
    smooth = np.asarray(mesh.face_adjacency_angles) < np.radians(crease_deg)
    pairs, shared = pairs[smooth], np.asarray(mesh.face_adjacency_edges, np.int64)[smooth]
    rows, cols = [], []
    for end in range(2):
        v = shared[:, end]
        slot_a = np.argmax(faces[pairs[:, 0]] == v[:, None], axis=1)
        slot_b = np.argmax(faces[pairs[:, 1]] == v[:, None], axis=1)
        rows.append(3 * pairs[:, 0] + slot_a)
        cols.append(3 * pairs[:, 1] + slot_b)
    row, col = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(row), np.int8), (row, col)), shape=(3 * n_faces,) * 2)
    count, labels = connected_components(graph, directed=False)
    corner_vertex = faces.ravel()
    source = np.zeros(count, np.int64)
    source[labels] = corner_vertex
    corner_weights = np.repeat(weights, 3, axis=0)
    normals = np.stack([np.bincount(labels, corner_weights[:, i], minlength=count)
                        for i in range(3)], axis=1)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.divide(normals, length, out=np.zeros_like(normals), where=length > 0)
    return DisplayGeometry(vertices=vertices[source].astype(np.float32),
                           faces=labels.reshape(-1, 3).astype(np.int64),
                           normals=normals.astype(np.float32), source=source)
