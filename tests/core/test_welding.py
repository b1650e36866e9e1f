"""Welding a triangle set: trimesh's semantics (1e-8 grid, first-appearance order, its
degeneracy test, first of repeated faces kept), by hashing instead of sorting rows."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import grouping, welding
from tests.hashing import colliding


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


@pytest.mark.parametrize("fault", ["none", "sliver", "repeat", "unused", "duplicate vertex"])
def test_an_indexed_mesh_with_one_fault_or_none_welds_as_trimesh_cleans_it(fault: str) -> None:
    """Each step skips its gathers when it finds nothing: every skip on its own."""
    sphere = trimesh.creation.icosphere(subdivisions=3)
    vertices, faces = np.array(sphere.vertices), np.array(sphere.faces)
    if fault == "sliver":
        vertices = np.vstack([vertices, [[0, 0, 0], [1, 0, 0], [2, 1e-9, 0]]])
        faces = np.vstack([faces, len(sphere.vertices) + np.array([[0, 1, 2]])])
    elif fault == "repeat":
        faces = np.vstack([faces, faces[7, [1, 2, 0]]])
    elif fault == "unused":
        vertices = np.vstack([[[9.0, 9.0, 9.0]], vertices])
        faces = faces + 1
    elif fault == "duplicate vertex":
        vertices = np.vstack([vertices, vertices[faces[5, 0]]])
        faces[5, 0] = len(vertices) - 1
    v, f = welding.weld(vertices, faces)
    reference = _trimesh_way(vertices, faces)
    np.testing.assert_array_equal(v, reference.vertices)
    np.testing.assert_array_equal(f, reference.faces)
    if fault == "none":
        assert v is vertices and f is faces  # nothing to do, nothing copied


@pytest.mark.parametrize("hash_from", [0, 10**9], ids=["hash-table", "sort"])
def test_both_groupings_and_the_collision_fallback_give_the_same_mesh(
        monkeypatch: pytest.MonkeyPatch, hash_from: int) -> None:
    vertices, faces = _messy()
    expected = welding.weld(vertices, faces)
    for module in (welding, grouping):
        monkeypatch.setattr(module, "HASH_FROM", hash_from)
    for got in (welding.weld(vertices, faces), _with_collisions(monkeypatch, vertices, faces)):
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


def _with_collisions(monkeypatch: pytest.MonkeyPatch, vertices: np.ndarray,
                     faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with monkeypatch.context() as m:
        colliding(m)
        return welding.weld(vertices, faces)


def test_first_of_each_numbers_groups_in_order_of_appearance() -> None:
    rows = np.array([[5, 1], [2, 2], [5, 1], [0, 0], [2, 2]], dtype=np.int64)
    first, codes = grouping.first_of_each(rows)
    np.testing.assert_array_equal(first, [0, 1, 3])
    np.testing.assert_array_equal(codes, [0, 1, 0, 2, 1])


def _soup_of(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The (m, 3, 3) triangles, with one more repeat in reversed order and a -0.0 corner."""
    triangles = vertices[faces]
    triangles[0][triangles[0] == 0.0] = -0.0
    return np.concatenate([triangles, triangles[[7]][:, ::-1]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])  # float32: a binary STL's corners
@pytest.mark.parametrize("keys", ["hashed", "all-colliding"])
def test_fuse_keeps_the_triangles_weld_keeps_in_its_order(
        monkeypatch: pytest.MonkeyPatch, keys: str, dtype: type) -> None:
    vertices, faces = _messy()
    triangles = _soup_of(vertices, faces).astype(dtype)
    wide = triangles.astype(np.float64)
    wv, wf = welding.weld(wide.reshape(-1, 3), np.arange(triangles.size // 3).reshape(-1, 3))
    if keys == "all-colliding":  # every row in one slot: nothing shared, nothing confused
        colliding(monkeypatch)
    v, f = welding.fuse(triangles)
    assert v.dtype == np.float64
    assert len(f) == len(wf) == 1280  # the slivers, the repeats and the reversed repeat dropped
    np.testing.assert_array_equal(v[f], wv[wf])
    if keys == "hashed":  # the nearby corners that are equal share their vertex
        assert len(wv) <= len(v) < 0.3 * f.size


def test_fuse_shares_only_equal_corners_across_small_blocks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(welding, "_SLOT_BLOCK", 7)  # equals mostly in other blocks
    monkeypatch.setattr(welding, "_SLOT_BITS", 3)  # and slots shared by different corners
    sphere = trimesh.creation.icosphere(subdivisions=2)
    triangles = sphere.vertices[sphere.faces]
    v, f = welding.fuse(triangles)
    np.testing.assert_array_equal(v[f], triangles)
    assert len(v) < triangles.size // 3  # some were still found


def test_welded_finishes_a_fused_mesh_and_leaves_a_welded_one_alone() -> None:
    vertices, faces = _messy()
    v, f = welding.fuse(vertices[faces])
    fused = trimesh.Trimesh(v, f, process=False, metadata={welding.UNWELDED: True, "units": "mm"})
    mesh = welding.welded(fused)
    wv, wf = welding.weld(vertices, faces)
    assert len(mesh.vertices) == len(wv) and len(mesh.faces) == len(wf)
    np.testing.assert_array_equal(mesh.vertices[mesh.faces], wv[wf])
    assert mesh.metadata == {"units": "mm"}
    assert welding.welded(mesh) is mesh


def test_first_of_each_gives_the_same_groups_when_told_rows_are_mostly_distinct() -> None:
    rng = np.random.default_rng(0)
    distinct = rng.integers(-1000, 1000, size=(500, 3))
    distinct = distinct[grouping.first_of_each(distinct)[0]]  # drop the few chance repeats
    repeated = np.vstack([distinct, distinct[[3, 7]]])
    for rows in (distinct, repeated):
        plain = grouping.first_of_each(rows)
        told = grouping.first_of_each(rows, mostly_distinct=True)
        np.testing.assert_array_equal(plain[0], told[0])
        np.testing.assert_array_equal(plain[1], told[1])
    assert len(grouping.first_of_each(repeated, mostly_distinct=True)[0]) == len(distinct)


def test_any_repeated_set_finds_a_face_repeated_in_any_corner_order() -> None:
    faces = np.arange(3 * 200_000, dtype=np.int64).reshape(-1, 3)
    assert not grouping.any_repeated_set(faces)
    for order in ([0, 1, 2], [1, 2, 0], [2, 1, 0]):
        repeated = np.vstack([faces, faces[123_456, order][None]])
        assert grouping.any_repeated_set(repeated)
    # a row that only shares entries with another, or holds one entry twice, is not a repeat
    assert not grouping.any_repeated_set(np.array([[0, 1, 2], [0, 1, 3], [0, 0, 1], [0, 1, 1]]))
