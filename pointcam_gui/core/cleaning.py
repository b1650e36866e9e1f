"""A file's arrays made one clean part: bodies placed and joined, checked, welded or fused.

``mesh_io`` reads a file either straight into arrays (the fast readers) or through trimesh (a
scene of bodies); both end here, as (vertices, faces) arrays that have passed every check:
three coordinates, indices in range, finite, within reach, at most ``MAX_TRIANGLES``, not all
degenerate. Nothing here imports trimesh unless it is handed a trimesh scene, so a part read
by a fast reader is analysed without it (a second saved in a fresh process).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.mesh_checks import check_count
from pointcam_gui.core.welding import fuse, weld

if TYPE_CHECKING:
    import trimesh

log = logging.getLogger(__name__)

# No part lies this far out (1e15 mm is a billion kilometres); beyond about 1e20 squared lengths
# overflow in the sampling (measured: a box placed at 1e12...1e20 analyses alike, at 1e24 the
# float32 squares overflow). Such a file is corrupt or in absurd units.
MAX_COORDINATE = 1e15


class Triangles(NamedTuple):
    """A clean part as arrays: what ``load_mesh`` wraps in a ``trimesh.Trimesh``."""

    vertices: np.ndarray  # (n, 3) float64, every one used
    faces: np.ndarray  # (m, 3) int64, none degenerate, none repeated
    unwelded: bool  # fused, not welded (``welding.fuse``): ``welding.welded`` finishes it


def checked_body(vertices: np.ndarray, faces: np.ndarray, name: str
                 ) -> tuple[np.ndarray, np.ndarray]:
    """One body's arrays as float64 (or float32, kept) and int64, refused when a face points at
    no vertex."""
    body_faces = np.asarray(faces, dtype=np.int64)
    if np.asarray(vertices).shape[1:] != (3,):
        raise MeshLoadError(f"{name}: corrupt file: its vertices do not have three coordinates")
    low, high = int(body_faces.min()), int(body_faces.max())
    if low < 0 or high >= len(vertices):
        raise MeshLoadError(f"{name}: corrupt file: a face refers to vertex "
                            f"{low if low < 0 else high} but there are only {len(vertices)} "
                            "vertices")
    kept = np.asarray(vertices)
    return (kept if kept.dtype == np.float32 else np.asarray(kept, float)), body_faces


def joined(scene: trimesh.Scene, name: str, empty_reason: str
           ) -> tuple[np.ndarray, np.ndarray]:
    """Every triangle body of a trimesh scene at its placed position, as one pair of arrays."""
    import trimesh

    vertices: list[np.ndarray] = []
    faces: list[np.ndarray] = []
    offset = 0
    for node in scene.graph.nodes_geometry:
        transform, geometry_name = scene.graph[node]
        body = scene.geometry[geometry_name]
        if not isinstance(body, trimesh.Trimesh) or len(body.faces) == 0:
            continue
        body_vertices, body_faces = checked_body(body.vertices, body.faces, name)
        placed = np.abs(transform - np.eye(4)).max() > 0  # most files place nothing
        vertices.append(trimesh.transform_points(body_vertices, transform) if placed
                        else body_vertices)
        faces.append(body_faces + offset)
        offset += len(body_vertices)
    if not faces:
        kinds = {type(g).__name__ for g in scene.geometry.values() if len(g.vertices)}
        lines = bool(kinds & {"Path2D", "Path3D"})
        raise MeshLoadError(no_triangles(name, empty_reason, lines=lines, points=bool(kinds)))
    if len(faces) == 1:
        return vertices[0], faces[0]
    return np.concatenate(vertices), np.concatenate(faces)


def no_triangles(name: str, empty_reason: str, *, lines: bool, points: bool) -> str:
    """Why a file with no triangles cannot be opened, from what geometry it holds instead."""
    if lines:
        return f"{name}: contains no triangles, only lines (a drawing, not a solid)"
    if points and not empty_reason.startswith(f"{name}: contains"):
        return f"{name}: contains no triangles, only points (a point cloud)"
    return empty_reason


def cleaned(vertices: np.ndarray, faces: np.ndarray, name: str, welded: bool) -> Triangles:
    """Checked, joined arrays -> the clean part: welded, or fused where that is allowed.
    float32 vertices (a binary STL read unwelded) are fused as they are, widened for a weld."""
    total = len(faces)
    check_count(name, total)
    if not np.isfinite(vertices).all():
        bad = int((~np.isfinite(vertices[faces])).any(axis=(1, 2)).sum())
        if bad:
            raise MeshLoadError(f"{name}: {bad:,} of {total:,} triangles have non-finite "
                                "coordinates (NaN or infinity)")
        vertices = np.where(np.isfinite(vertices), vertices, 0.0)  # unused junk
    # STL is a soup (faces 0, 1, 2, ...): there the weld costs most, and skipping it pays. An
    # indexed file shares its vertices already; welding it is quicker than fusing its corners.
    soup = not welded and len(vertices) == faces.size and _counts_up(faces.ravel())
    if soup:
        vertices_kept, faces_kept = fuse(vertices.reshape(-1, 3, 3))
    else:  # only used vertices remain
        vertices_kept, faces_kept = weld(np.asarray(vertices, np.float64), faces)
    del vertices, faces
    reach = float(np.abs(vertices_kept).max()) if len(vertices_kept) else 0.0
    if reach > MAX_COORDINATE:
        raise MeshLoadError(f"{name}: coordinates reach {reach:.3g}, beyond any part's size "
                            f"(the limit is {MAX_COORDINATE:.0e} from the origin)")
    if len(faces_kept) == 0:  # welding keeps only faces of positive area
        what = "its only triangle has" if total == 1 else f"all {total:,} triangles have"
        raise MeshLoadError(f"{name}: degenerate: {what} zero area")
    log.debug("%s: kept %d of %d triangles", name, len(faces_kept), total)
    return Triangles(vertices_kept, faces_kept, soup)


def _counts_up(values: np.ndarray) -> bool:
    """Whether ``values`` is 0, 1, 2, ...: a triangle soup's faces. In blocks, without an arange
    the size of the part."""
    return all(blockwise(lambda rows: bool(
        (values[rows] == np.arange(rows.start, rows.stop)).all()), len(values)))
