"""A coarse CAD mesh -> a finer copy for display, so that per-vertex heat can look smooth.

CAD meshes are coarse (a box is 12 triangles, a nut hundreds of long slivers) and a viewer
paints vertices, so the display mesh is refined first: long edges are cut into equal segments
and each triangle is re-triangulated from a cached template for its segment counts. The heat
itself is blended onto the refined vertices by ``heatmap.heat_per_vertex``.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
import trimesh
from scipy.spatial import Delaunay

log = logging.getLogger(__name__)

DISPLAY_VERTEX_BUDGET = 200_000
EDGE_FRACTION = 1.0 / 80.0  # target edge length as a fraction of the bounding-box diagonal

_ROW = float(np.sqrt(3.0) / 2.0)  # row spacing of the unit triangular lattice


def refine_for_display(
    mesh: trimesh.Trimesh,
    vertex_budget: int = DISPLAY_VERTEX_BUDGET,
    max_edge: float | None = None,
) -> trimesh.Trimesh:
    """A copy of `mesh` with edges about `max_edge` long (default diag/80), within the budget.

    Each long edge is cut into equal segments, the same for both of its triangles, so the
    result stays conforming; each triangle is then re-triangulated from a template shared by
    all triangles with the same segment counts: a ladder for a long thin triangle (no wasted
    vertices across it), a lattice for a fat one. New vertices lie on the original triangles,
    original vertices keep their indices, winding is kept. At or above the budget: a plain copy.
    """
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    plain = trimesh.Trimesh(vertices.copy(), faces.copy(), process=False)
    room = vertex_budget - len(vertices)
    if room <= 0 or len(faces) == 0:
        return plain
    target = max_edge or float(np.linalg.norm(np.ptp(vertices, axis=0))) * EDGE_FRACTION
    span = np.linalg.norm(vertices[np.roll(faces, -1, axis=1)] - vertices[faces], axis=2)
    long = span > target  # (F,3): edge k runs from f[k] to f[k+1]
    if not target > 0 or not long.any():
        return plain
    ends = np.stack([faces[long], np.roll(faces, -1, axis=1)[long]], axis=1)
    n = len(vertices)
    unique, inverse = np.unique(ends.min(axis=1) * n + ends.max(axis=1), return_inverse=True)
    length = np.linalg.norm(vertices[unique % n] - vertices[unique // n], axis=1)
    try:
        return _refine(vertices, faces, long, unique, inverse, length, target, room)
    except _TemplateError as exc:  # never expected; a coarse display beats no display
        log.warning("%s; showing the mesh unrefined", exc)
        return plain


class _TemplateError(RuntimeError):
    """A refinement template failed its own tiling check."""


def _refine(
    vertices: np.ndarray, faces: np.ndarray, long: np.ndarray, unique: np.ndarray,
    inverse: np.ndarray, length: np.ndarray, target: float, room: int,
) -> trimesh.Trimesh:
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    for _ in range(24):  # coarsen the target until the result fits the budget
        counts = np.maximum(np.ceil(length / target), 1).astype(np.int64)
        face_counts = np.ones(faces.shape, dtype=np.int64)
        face_counts[long] = counts[inverse]
        fat = face_counts.min(axis=1) > 1  # only these get interior points
        need = int((counts - 1).sum()) + int((area[fat] / (_ROW * target**2)).sum())
        if need <= 4 * room:  # a rough bound first: templates for absurd targets cost time
            keys, group = _face_keys(face_counts)
            sizes = np.bincount(group, minlength=len(keys))
            need = int((counts - 1).sum()) + sum(
                len(_template(key)[0]) * int(c) for key, c in zip(keys, sizes, strict=True))
            if need <= room:
                break
        target *= max(1.05, float(np.sqrt(need / room)))
    else:
        return trimesh.Trimesh(vertices.copy(), faces.copy(), process=False)
    edge = np.full(faces.shape, -1, dtype=np.int64)
    edge[long] = inverse
    return _assemble(vertices, faces, edge, unique, counts, keys, group)


def _face_keys(face_counts: np.ndarray) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Each face's segment counts as a pattern up to rotation (smallest rotation first)."""
    big = int(face_counts.max()) + 1
    codes = np.stack([(c[:, 0] * big + c[:, 1]) * big + c[:, 2]
                      for c in (np.roll(face_counts, -r, axis=1) for r in range(3))], axis=1)
    unique, group = np.unique(codes.min(axis=1), return_inverse=True)
    return [(int(c) // big // big, int(c) // big % big, int(c) % big) for c in unique], group


def _assemble(
    vertices: np.ndarray, faces: np.ndarray, edge: np.ndarray, unique: np.ndarray,
    counts: np.ndarray, keys: list[tuple[int, int, int]], group: np.ndarray,
) -> trimesh.Trimesh:
    n = len(vertices)
    # edge e's inner points lo + j/n_e (hi - lo), j = 1..n_e-1, are numbered from base[e]
    inner = counts - 1
    base = n + np.cumsum(inner) - inner
    owner = np.repeat(np.arange(len(counts)), inner)
    step = np.arange(len(owner)) + n - base[owner] + 1
    frac = (step / counts[owner])[:, None]
    lo, hi = vertices[unique[owner] // n], vertices[unique[owner] % n]
    chunks, out_faces = [vertices, lo + (hi - lo) * frac], []
    total = n + len(owner)
    face_counts = np.where(edge >= 0, counts[edge], 1)
    for g, key in enumerate(keys):
        rows = np.flatnonzero(group == g)
        if key == (1, 1, 1):
            out_faces.append(faces[rows])
            continue
        # rotate these faces so that their counts read exactly as the key
        rolled = np.stack([np.roll(face_counts[rows], -r, axis=1) for r in range(3)], axis=1)
        shift = np.argmax((rolled == np.asarray(key)).all(axis=2), axis=1)
        order = (shift[:, None] + np.arange(3)) % 3
        f, e = faces[rows[:, None], order], edge[rows[:, None], order]
        bary, tris = _template(key)
        table = [f]
        for k in range(3):
            j = np.arange(1, key[k])
            forward = (f[:, k] < f[:, (k + 1) % 3])[:, None]  # does the face walk lo -> hi?
            table.append(base[e[:, k]][:, None] + np.where(forward, j, key[k] - j) - 1)
        chunks.append(np.einsum("pk,gkd->gpd", bary, vertices[f]).reshape(-1, 3))
        table.append(total + np.arange(len(rows) * len(bary)).reshape(len(rows), len(bary)))
        total += len(rows) * len(bary)
        out_faces.append(np.concatenate(table, axis=1)[:, tris].reshape(-1, 3))
    return trimesh.Trimesh(np.concatenate(chunks), np.concatenate(out_faces), process=False)


@lru_cache(maxsize=2048)
def _template(key: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Interior points (barycentric (P,3)) and triangles (local ids) for one count pattern.

    Local ids: the 3 corners, then each edge's inner points in order, then interior points.
    """
    lengths = np.maximum(np.asarray(key, dtype=np.float64) - 0.5, 0.5)
    longest = int(np.argmax(lengths))  # rounded counts may break the triangle inequality
    lengths[longest] = min(lengths[longest], lengths.sum() - lengths[longest] - 0.1)
    l0, l1, l2 = lengths
    x = (l0**2 + l2**2 - l1**2) / (2 * l0)
    corners = np.array([[0.0, 0.0], [l0, 0.0], [x, np.sqrt(max(l2**2 - x**2, 1e-12))]])
    points = [corners]
    for k in range(3):
        t = (np.arange(1, key[k]) / key[k])[:, None]
        points.append(corners[k] * (1 - t) + corners[(k + 1) % 3] * t)
    boundary = np.concatenate(points)
    interior = _lattice(corners)
    if len(interior) == 0:
        tris = _ladder(key)
    else:
        tris = Delaunay(np.concatenate([boundary, interior])).simplices.astype(np.int64)
    allp = np.concatenate([boundary, interior])
    signed = _area2(allp[tris[:, 0]], allp[tris[:, 1]], allp[tris[:, 2]])
    tris = np.where((signed < 0)[:, None], tris[:, [0, 2, 1]], tris)
    _check_tiling(key, tris, np.abs(signed), _area2(*corners[:, None]).item())
    bary = np.linalg.solve(np.vstack([corners.T, np.ones(3)]),
                           np.vstack([interior.T, np.ones(len(interior))])).T
    bary.setflags(write=False)  # cached and shared between calls and threads
    tris.setflags(write=False)
    return bary, tris


def _check_tiling(key: tuple[int, int, int], tris: np.ndarray, areas: np.ndarray,
                  whole: float) -> None:
    """Triangles that cover the whole triangle once and meet its boundary at every point."""
    ends = np.stack([tris, np.roll(tris, -1, axis=1)], axis=2).reshape(-1, 2)
    seen = np.bincount(np.unique(ends.min(1) * len(tris) * 3 + ends.max(1), return_inverse=True)[1])
    if (areas.min() <= 1e-9 * whole or not np.isclose(areas.sum(), whole, rtol=1e-9)
            or (seen == 1).sum() != sum(key) or seen.max() > 2):
        raise _TemplateError(f"refinement template {key} does not tile its triangle")


def _ladder(key: tuple[int, int, int]) -> np.ndarray:
    """Zip a triangle with no interior points from the corner opposite its shortest edge 0.

    One side walks edge 1 then edge 0, the other walks edge 2; every triangle joins the two
    walks, so none is degenerate and the fan of diagonals never crosses (the polygon is convex).
    """
    n0, n1, n2 = key
    a = np.r_[2, 3 + n0 + n1 - 3 - np.arange(n1 - 1), 1, 3 + n0 - 2 - np.arange(n0 - 1)]
    b = np.r_[2, 3 + n0 + n1 - 2 + np.arange(n2 - 1), 0]
    params = np.r_[np.arange(2, len(a)) / (len(a) - 1), np.arange(2, len(b)) / (len(b) - 1)]
    side_a = np.r_[np.ones(len(a) - 2, bool), np.zeros(len(b) - 2, bool)]
    along_a = side_a[np.argsort(params, kind="stable")]  # walk both sides at an even pace
    i = 1 + np.cumsum(along_a)  # position on each side after every step
    j = 1 + np.cumsum(~along_a)
    steps = np.where(along_a[:, None], np.stack([a[i - 1], a[i], b[j]], 1),
                     np.stack([a[i], b[j - 1], b[j]], 1))
    return np.concatenate([[[2, a[1], b[1]]], steps]).astype(np.int64)


def _area2(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Signed areas of 2-D triangles (positive: counter-clockwise)."""
    u, v = b - a, c - a
    return 0.5 * (u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])


def _lattice(corners: np.ndarray, margin: float = 0.5) -> np.ndarray:
    """Unit triangular-lattice points inside a triangle, at least `margin` from its edges."""
    ys = np.arange(margin, corners[2, 1] - margin + 1e-9, _ROW)
    xs = np.arange(corners[:, 0].min(), corners[:, 0].max() + 1.0, 1.0)
    gx = xs[None, :] + 0.5 * (np.arange(len(ys)) % 2)[:, None]
    pts = np.stack([gx.ravel(), np.repeat(ys, len(xs))], axis=1)
    keep = np.ones(len(pts), dtype=bool)
    for k in range(3):
        p, d = corners[k], corners[(k + 1) % 3] - corners[k]
        keep &= (d[0] * (pts[:, 1] - p[1]) - d[1] * (pts[:, 0] - p[0])) / np.hypot(*d) >= margin
    return pts[keep]
