"""The coarse copy drawn while the camera moves: small, on the surface, heat by gather."""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.render.lod import level_of_detail


def _bumpy_sphere() -> trimesh.Trimesh:
    mesh = trimesh.creation.icosphere(subdivisions=6)  # 81,920 faces
    scale = 1.0 + 0.1 * np.sin(6.0 * mesh.vertices[:, 0])
    return trimesh.Trimesh(mesh.vertices * scale[:, None], mesh.faces, process=False)


def test_small_parts_need_no_coarse_copy() -> None:
    assert level_of_detail(_bumpy_sphere(), faces=2000, from_faces=100_000) is None


def test_coarse_copy_is_near_the_size_asked_for_and_shows_the_heat_of_nearby_vertices() -> None:
    mesh = _bumpy_sphere()
    coarse = level_of_detail(mesh, faces=4000, from_faces=10_000)
    assert coarse is not None
    assert 1000 < len(coarse.faces) <= 1.25 * 4000
    # Each coarse vertex shows the heat of a display vertex within a grid cell of it.
    cell = np.sqrt(2.0 * mesh.area / 4000)
    gap = np.linalg.norm(coarse.vertices - mesh.vertices[coarse.source], axis=1)
    assert gap.max() <= np.sqrt(3.0) * cell
    heat = np.linspace(0.0, 1.0, len(mesh.vertices))
    np.testing.assert_array_equal(coarse.heat(heat), heat[coarse.source])
    # It covers the whole part: its bounds match the part's within a grid cell.
    np.testing.assert_allclose(coarse.vertices.min(0), mesh.bounds[0], atol=cell)
    np.testing.assert_allclose(coarse.vertices.max(0), mesh.bounds[1], atol=cell)
    normals = coarse.normals
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-5)
    # Outward faces on a star-shaped part: the winding survived, and few triangles fold over.
    shell = trimesh.Trimesh(coarse.vertices, coarse.faces, process=False)
    assert np.mean(np.sum(shell.face_normals * shell.triangles_center, axis=1) > 0) > 0.99


def test_coarse_copy_has_no_degenerate_or_repeated_faces() -> None:
    coarse = level_of_detail(_bumpy_sphere(), faces=3000, from_faces=10_000)
    assert coarse is not None
    # Crease splitting copies vertices: compare faces by position.
    _, welded = np.unique(coarse.vertices, axis=0, return_inverse=True)
    f = welded.reshape(-1)[coarse.faces]
    assert np.all((f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2]))
    assert len(np.unique(np.sort(f, axis=1), axis=0)) == len(f)
