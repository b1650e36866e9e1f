"""A coarse copy of a big display mesh for the frames drawn while the camera moves.

Under software OpenGL a frame of a 1M-face part takes about 0.3 s; the viewport draws this
copy while the camera moves and the full mesh once it rests, as ParaView does. The copy comes
from vertex clustering on a uniform grid (Rossignac and Borrel): the vertices of every occupied
cell merge into one at their mean (within a cell of the surface; keeping one of the cell's own
vertices instead folds 0.7-4.6 % of the triangles over, the mean 0-0.1 %), which shows exactly
the heat of the cell's display vertex nearest to it (`DisplayGeometry.source` points at that
vertex, so recolouring stays a gather).

Weighed and measured on a 1.3M-face sphere: fast-simplification's quadric edge collapse gives
a finer copy but holds the GIL for 1.2-2.3 s (the window would freeze; it would need a process
of its own and 1.3 s more to map the heat back); this numpy clustering releases the GIL in its
heavy steps (longest hold 8 ms at 5M faces) and takes 0.5 s for 1.3M faces, 2 s for 5.2M.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import trimesh

from pointcam_gui.core.triangles import triangle_areas
from pointcam_gui.render.shading import DisplayGeometry, split_sharp_edges

LOD_FROM_FACES = 150_000  # under llvmpipe a frame of this many faces takes ~100 ms
LOD_FACES = 40_000  # ~15-20 frames per second at a usual window size under llvmpipe


def level_of_detail(mesh: trimesh.Trimesh, faces: int | None = None,
                    from_faces: int | None = None) -> DisplayGeometry | None:
    """The coarse copy of `mesh` (about `faces` faces, LOD_FACES by default, split at creases),
    or None when `mesh` has at most `from_faces` (LOD_FROM_FACES) faces: drawn fast enough."""
    faces = LOD_FACES if faces is None else faces
    from_faces = LOD_FROM_FACES if from_faces is None else from_faces
    tri = np.asarray(mesh.faces, dtype=np.int64)
    if len(tri) <= from_faces:
        return None
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    # The grid's scale needs the area roughly: estimate it from every k-th triangle.
    step = max(1, len(tri) // 200_000)
    area = float(triangle_areas(vertices[tri[::step]]).sum()) * step
    if not np.isfinite(area) or area <= 0.0:
        return None
    # A cell of a surface that is flat at the cell's scale holds about two triangles of the
    # copy per kept vertex: start there and coarsen until the copy is small enough.
    cell = float(np.sqrt(2.0 * area / faces))
    shifted = vertices - vertices.min(axis=0)
    for _ in range(12):
        label, lod_faces = _cluster(shifted, tri, cell)
        if len(lod_faces) <= 1.25 * faces:
            break
        cell *= float(np.sqrt(len(lod_faces) / faces))
    if len(lod_faces) == 0:
        return None
    used, lod_faces = np.unique(lod_faces, return_inverse=True)
    lod_faces = lod_faces.reshape(-1, 3)
    relabel = np.full(int(label.max()) + 1, -1, np.int64)
    relabel[used] = np.arange(len(used))
    label = relabel[label]  # -1: a vertex whose cell no coarse face uses
    on = label >= 0
    label, index = label[on], np.flatnonzero(on)
    count = np.bincount(label, minlength=len(used))[:, None]
    mean = np.stack([np.bincount(label, vertices[on, i], len(used)) for i in range(3)], 1) / count
    # Each coarse vertex shows the heat of its cell's vertex nearest to it (the first such
    # vertex on a tie). Each cell's least distance by np.minimum.at, not a lexsort of every
    # vertex by (cell, distance): the same choice, 0.03 against 1.1 s for 2.5M vertices.
    distance = np.linalg.norm(vertices[on] - mean[label], axis=1)
    least = np.full(len(used), np.inf)
    np.minimum.at(least, label, distance)
    closest = np.flatnonzero(distance == least[label])
    nearest = np.empty(len(used), np.int64)
    nearest[label[closest][::-1]] = index[closest][::-1]  # the last write per cell wins: the first
    split = split_sharp_edges(trimesh.Trimesh(mean, lod_faces, process=False))
    return DisplayGeometry(split.vertices, split.faces, split.normals, nearest[split.source])


def _cluster(vertices: np.ndarray, tri: np.ndarray, cell: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """(grid cell of each vertex, coarse faces over cells) for cubic cells of side `cell`."""
    index = (vertices / cell).astype(np.int64)  # `vertices` start at 0: truncation is floor
    dims = index.max(axis=0) + 1
    key = (index[:, 0] * dims[1] + index[:, 1]) * dims[2] + index[:, 2]
    label, _ = pd.factorize(key)
    coarse = label[tri]
    a, b, c = coarse[:, 0], coarse[:, 1], coarse[:, 2]
    coarse = coarse[(a != b) & (b != c) & (a != c)]
    # The same triangle from several fine ones: keep one (winding as first met).
    repeated = pd.DataFrame(np.sort(coarse, axis=1)).duplicated().to_numpy()
    return label, coarse[~repeated]
