"""Welding a triangle set: trimesh's semantics (1e-8 grid, first-appearance order, its
degeneracy test, first of repeated faces kept), by hashing instead of sorting rows."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import welding


def _messy() -> tuple[np.ndarray, np.ndarray]:
    """An icosphere as a triangle soup (every corner repeated), with repeats and slivers."""
    sphere = trimesh.creation.icosphere(subdivisions=3)
    soup = sphere.vertices[sphere.faces].reshape(-1, 3)
    faces = np.arange(len(soup)).reshape(-1, 3)
    extra = np.array([[0, 0, 1], [3, 4, 5], [5, 3, 4]])  # repeated vertex, a repeat, rotated
    sliver = len(soup) + np.array([[0, 1, 2]])
    soup = np.vstack([soup, [[0, 0, 0], [1, 0, 0], [2, 1e-9, 0]]])  # height under 1e-8
    return soup, np.vstack([faces, extra, sliver])


def _trimesh_way(vertices: np.ndarray, faces: np.ndarray) -> trimesh.Trimesh:
    mesh = trimesh.Trimesh(vertices, faces, process=False)
    mesh.merge_vertices()
    mesh.update_faces(mesh.nondegenerate_faces() & mesh.unique_faces())
    mesh.remove_unreferenced_vertices()
    return mesh


def test_welding_matches_trimeshs_merge_and_clean_up() -> None:
    vertices, faces = _messy()
    v, f = welding.weld(vertices, faces)
    reference = _trimesh_way(vertices, faces)
    assert len(f) == 1280 == len(reference.faces)  # the icosphere's faces, nothing else
    assert len(v) == 642 == len(reference.vertices)
    np.testing.assert_allclose(v[f], reference.vertices[reference.faces], atol=1e-8)


@pytest.mark.parametrize("hash_from", [0, 10**9], ids=["hash-table", "sort"])
def test_both_groupings_and_the_collision_fallback_give_the_same_mesh(
        monkeypatch: pytest.MonkeyPatch, hash_from: int) -> None:
    vertices, faces = _messy()
    expected = welding.weld(vertices, faces)
    monkeypatch.setattr(welding, "HASH_FROM", hash_from)
    for got in (welding.weld(vertices, faces), _with_collisions(monkeypatch, vertices, faces)):
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


def _with_collisions(monkeypatch: pytest.MonkeyPatch, vertices: np.ndarray,
                     faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with monkeypatch.context() as m:
        m.setattr(welding, "_row_keys", lambda q: np.zeros(len(q), dtype=np.uint64))
        return welding.weld(vertices, faces)


def test_first_of_each_numbers_groups_in_order_of_appearance() -> None:
    rows = np.array([[5, 1], [2, 2], [5, 1], [0, 0], [2, 2]], dtype=np.int64)
    first, codes = welding.first_of_each(rows)
    np.testing.assert_array_equal(first, [0, 1, 3])
    np.testing.assert_array_equal(codes, [0, 1, 0, 2, 1])
