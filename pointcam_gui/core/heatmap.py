"""Sampled points' heat -> a refined display mesh's vertices, and the colormaps that paint it.

Grad-CAM gives one value per sampled point (about a thousand of them); a viewer paints
vertices. CAD meshes are coarse (a box is 12 triangles), so the display mesh is first refined
by splitting long edges, then every vertex takes an inverse-distance blend of its nearest
sampled points.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
import trimesh
from scipy import sparse
from scipy.spatial import cKDTree

from pointcam_gui.core.errors import PointCAMError

log = logging.getLogger(__name__)

DISPLAY_VERTEX_BUDGET = 200_000
EDGE_FRACTION = 1.0 / 80.0  # target edge length as a fraction of the bounding-box diagonal
COLORMAPS: tuple[str, ...] = ("jet", "turbo", "viridis", "inferno", "coolwarm")
DEFAULT_COLORMAP = "jet"

_MAX_PASSES = 40  # each pass halves the longest edges; 40 halvings is beyond float precision
_CHUNK = 1 << 17  # vertices per k-d tree query: bounds the (chunk, k) float64/int64 scratch


def refine_for_display(
    mesh: trimesh.Trimesh,
    vertex_budget: int = DISPLAY_VERTEX_BUDGET,
    max_edge: float | None = None,
) -> trimesh.Trimesh:
    """A copy of `mesh` whose edges are at most `max_edge` long (default diag/80), within budget.

    Every edge longer than the target is split at its midpoint, shared by both neighbouring
    triangles, so the result stays conforming (no T-junctions) and every new vertex lies on an
    original triangle. Original vertices keep their indices and the winding is kept. A mesh
    already at or above the budget comes back as an untouched copy; when the budget runs out
    mid-pass the longest edges are split first.
    """
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    if len(vertices) >= vertex_budget or len(faces) == 0:
        return trimesh.Trimesh(vertices.copy(), faces.copy(), process=False)
    if max_edge is None:
        max_edge = float(np.linalg.norm(np.ptp(vertices, axis=0))) * EDGE_FRACTION
    chunks = [vertices]
    count = len(vertices)
    for _ in range(_MAX_PASSES):
        all_vertices = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
        chunks = [all_vertices]
        faces, midpoints = _split_pass(all_vertices, faces, max_edge, vertex_budget - count)
        if midpoints is None:
            break
        chunks.append(midpoints)
        count += len(midpoints)
    all_vertices = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
    log.debug("refined %d -> %d vertices", len(mesh.vertices), len(all_vertices))
    return trimesh.Trimesh(all_vertices, faces, process=False)


def _split_pass(
    vertices: np.ndarray, faces: np.ndarray, max_edge: float, room: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """One conforming pass: split edges longer than `max_edge` (at most `room` of them)."""
    if room <= 0:
        return faces, None
    n = len(vertices)
    ends = np.stack([faces, np.roll(faces, -1, axis=1)], axis=2)  # edge k = (f[k], f[k+1])
    keys = ends.min(axis=2) * n + ends.max(axis=2)
    unique, inverse = np.unique(keys.ravel(), return_inverse=True)
    lo, hi = unique // n, unique % n
    length = np.linalg.norm(vertices[lo] - vertices[hi], axis=1)
    split = np.flatnonzero(length > max_edge)
    if len(split) == 0:
        return faces, None
    if len(split) > room:  # spend what is left of the budget on the longest edges
        split = split[np.argpartition(-length[split], room - 1)[:room]]
    new_index = np.full(len(unique), -1, dtype=np.int64)
    new_index[split] = n + np.arange(len(split))
    midpoints = 0.5 * (vertices[lo[split]] + vertices[hi[split]])
    mid = new_index[inverse].reshape(-1, 3)  # per face and edge: midpoint index or -1
    return _retriangulate(vertices, midpoints, faces, mid), midpoints


def _retriangulate(
    vertices: np.ndarray, midpoints: np.ndarray, faces: np.ndarray, mid: np.ndarray
) -> np.ndarray:
    """Replace each face by its children, by how many of its edges were split (0 to 3)."""
    split = mid >= 0
    nsplit = split.sum(axis=1)
    rows = np.arange(len(faces))[:, None]
    # Rotate every face so that its pattern is canonical: the split edge first (one split) or
    # the kept edge second (two splits). Rotation keeps the winding.
    first = np.where(nsplit == 1, np.argmax(split, axis=1), (np.argmin(split, axis=1) + 2) % 3)
    order = (first[:, None] + np.arange(3)) % 3
    f, m = faces[rows, order], mid[rows, order]
    a, b, c = f[:, 0], f[:, 1], f[:, 2]
    mab, mbc, mca = m[:, 0], m[:, 1], m[:, 2]
    out = [faces[nsplit == 0]]
    one = nsplit == 1
    out += [np.stack(t, axis=1)[one] for t in ((a, mab, c), (mab, b, c))]
    two = np.flatnonzero(nsplit == 2)
    if len(two):
        a2, b2, c2, ab2, ca2 = a[two], b[two], c[two], mab[two], mca[two]
        points = np.concatenate([vertices, midpoints])
        # the quad (mab, b, c, mca) is cut along its shorter diagonal
        short = np.linalg.norm(points[ab2] - points[c2], axis=1) <= np.linalg.norm(
            points[b2] - points[ca2], axis=1
        )
        out.append(np.stack([a2, ab2, ca2], axis=1))
        cut = short[:, None]
        out.append(np.where(cut, np.stack([ab2, b2, c2], 1), np.stack([ab2, b2, ca2], 1)))
        out.append(np.where(cut, np.stack([ab2, c2, ca2], 1), np.stack([b2, c2, ca2], 1)))
    three = nsplit == 3
    quads = ((a, mab, mca), (mab, b, mbc), (mca, mbc, c), (mab, mbc, mca))
    out += [np.stack(t, axis=1)[three] for t in quads]
    return np.concatenate(out)


def heat_per_vertex(
    points: np.ndarray, cams: np.ndarray, vertices: np.ndarray, k: int = 8
) -> np.ndarray:
    """(C,N) values at `points` -> (C,V) float32 at `vertices`, from the k nearest points.

    Franke-Little (modified Shepard) weights ((R - d) / (R d))^2, with R the distance to the
    (k+1)-th neighbour, so that the field stays continuous where the neighbour set changes; a
    vertex on a sampled point takes that point's value. The result stays within the input range.
    """
    points = np.asarray(points, dtype=np.float64)
    cams = np.asarray(cams, dtype=np.float32)
    vertices = np.asarray(vertices, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 3 or len(points) == 0:
        raise ValueError(f"points must be (N,3) with N >= 1, got {points.shape}")
    if cams.ndim != 2 or cams.shape[1] != len(points):
        raise ValueError(f"cams must be (C,{len(points)}), got {cams.shape}")
    k = max(1, min(int(k), len(points)))
    query_k = k + 1 if len(points) > k else k
    tree = cKDTree(points)
    # a vertex this close to a point is on it; also keeps 1/d finite
    eps = max(float(np.linalg.norm(np.ptp(points, axis=0))) * 1e-7, 1e-30)
    values = np.ascontiguousarray(cams.T)  # (N,C)
    out = np.empty((cams.shape[0], len(vertices)), dtype=np.float32)
    for start in range(0, len(vertices), _CHUNK):
        chunk = vertices[start : start + _CHUNK]
        dist, idx = tree.query(chunk, k=query_k, workers=-1)
        dist = dist.reshape(len(chunk), query_k).astype(np.float32)
        idx = idx.reshape(len(chunk), query_k)[:, :k]
        weights = _weights(dist, k, query_k, eps)
        # a (chunk, N) sparse matrix with k weights a row: one sparse product blends all classes
        blend = sparse.csr_matrix(
            (weights.ravel(), idx.ravel(), np.arange(0, k * len(chunk) + 1, k)),
            shape=(len(chunk), len(points)),
        )
        out[:, start : start + len(chunk)] = (blend @ values).T
    if cams.size:
        np.clip(out, cams.min(), cams.max(), out=out)
    return out


def _weights(dist: np.ndarray, k: int, query_k: int, eps: float) -> np.ndarray:
    """Normalised (V,k) float32 weights; plain 1/d^2 where Franke-Little degenerates."""
    eps32 = np.float32(eps)
    near = np.sqrt(dist[:, :k] ** 2 + eps32 * eps32)
    if query_k > k:
        radius = dist[:, k : k + 1] + eps32
        weights = (np.maximum(radius - dist[:, :k], 0) / (radius * near)) ** 2
        # all k+1 neighbours equidistant: every Franke-Little weight is zero
        flat = weights.sum(axis=1) <= 0
        if flat.any():
            weights[flat] = near[flat] ** -2
    else:
        weights = near**-2
    weights /= weights.sum(axis=1, keepdims=True)
    return weights


@lru_cache(maxsize=len(COLORMAPS))
def colormap_lut(cmap: str = DEFAULT_COLORMAP) -> np.ndarray:
    """The 256-entry (256,4) uint8 RGBA table of a colormap in COLORMAPS (low value first)."""
    if cmap not in COLORMAPS:
        raise PointCAMError(f"unknown colormap {cmap!r}; choose one of {', '.join(COLORMAPS)}")
    import matplotlib  # lazily: only colour lookups need it, and it is slow to import

    table = matplotlib.colormaps[cmap].resampled(256)(np.linspace(0.0, 1.0, 256))
    lut = np.round(np.asarray(table) * 255.0).astype(np.uint8)
    lut.setflags(write=False)
    return lut


def colorize(values: np.ndarray, cmap: str = DEFAULT_COLORMAP) -> np.ndarray:
    """Values in [0,1] (clipped; NaN counts as 0) -> (V,4) uint8 RGBA through `cmap`."""
    lut = colormap_lut(cmap)
    v = np.nan_to_num(np.asarray(values, dtype=np.float32).ravel(), nan=0.0)
    index = np.rint(np.clip(v, 0.0, 1.0) * 255.0).astype(np.intp)
    return lut[index]
