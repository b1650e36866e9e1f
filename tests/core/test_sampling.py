from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.sampling import SurfaceSampler, part_frames, prepare, sample_surface


def test_points_lie_on_the_surface_and_follow_area() -> None:
    # A 10 x 10 x 1 slab: the two big faces hold 200 of its 240 area units.
    slab = trimesh.creation.box(extents=(10, 10, 1))
    pts, faces = sample_surface(slab, 4000, seed=1)
    assert pts.shape == (4000, 3) and faces.shape == (4000,)
    _, distance, _ = trimesh.proximity.closest_point(slab, pts)
    assert distance.max() < 1e-9
    on_big_faces = np.isclose(np.abs(pts[:, 2]), 0.5).mean()
    assert on_big_faces == pytest.approx(200 / 240, abs=0.03)


def test_sampling_is_deterministic_for_a_seed_and_differs_across_seeds() -> None:
    mesh = trimesh.creation.cylinder(radius=2, height=5)
    a, _ = sample_surface(mesh, 256, seed=7)
    b, _ = sample_surface(mesh, 256, seed=7)
    c, _ = sample_surface(mesh, 256, seed=8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_normalize_centres_and_fits_unit_sphere_regardless_of_units() -> None:
    mesh_mm = trimesh.creation.box(extents=(40, 20, 10))
    mesh_mm.apply_translation([500, -20, 3])
    mesh_m = mesh_mm.copy()
    mesh_m.apply_scale(0.001)
    a, world = prepare(mesh_mm, 512, seed=0)
    b, _ = prepare(mesh_m, 512, seed=0)
    assert a.dtype == np.float32 and a.shape == (512, 3)
    frames = part_frames(SurfaceSampler(mesh_mm))
    corners = frames[0].apply(mesh_mm.vertices)  # the box's corners bound it
    assert np.linalg.norm(corners, axis=1).max() == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(0.5 * (corners.min(0) + corners.max(0)), 0, atol=1e-6)
    assert np.linalg.norm(a, axis=1).max() <= 1.0 + 1e-6
    np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(frames[0].invert(a), world, atol=1e-3)


def test_a_mesh_without_area_cannot_be_sampled() -> None:
    flat = trimesh.Trimesh(vertices=[[0, 0, 0], [1, 0, 0], [2, 0, 0]], faces=[[0, 1, 2]],
                           process=False)
    with pytest.raises(ValueError, match="area"):
        sample_surface(flat, 10)


def _asymmetric_part() -> trimesh.Trimesh:
    body = trimesh.creation.box(extents=(40, 20, 8))
    lug = trimesh.creation.cylinder(radius=4, height=12)
    lug.apply_translation([14, 5, 6])
    return trimesh.util.concatenate([body, lug])


def test_default_normalization_removes_the_part_orientation() -> None:
    part = _asymmetric_part()
    turned = part.copy()
    turned.apply_transform(trimesh.transformations.rotation_matrix(2.1, [0.3, -0.5, 0.8]))
    turned.apply_translation([100, -3, 7])
    a, _ = prepare(part, 2048, seed=3)
    b, _ = prepare(turned, 2048, seed=3)  # same draws, so the same surface points, turned
    np.testing.assert_allclose(a, b, atol=1e-4)
    spread = a.var(axis=0)
    assert spread[0] >= spread[1] >= spread[2]  # largest spread first


def test_bbox_normalization_keeps_the_orientation() -> None:
    part = _asymmetric_part()
    a, world = prepare(part, 512, seed=0, method="bbox_center_unit_sphere")
    (norm,) = part_frames(SurfaceSampler(part), "bbox_center_unit_sphere")
    np.testing.assert_array_equal(norm.rotation, np.eye(3))
    np.testing.assert_allclose(norm.invert(a), world, atol=1e-4)


def test_unknown_normalization_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown normalization"):
        part_frames(SurfaceSampler(_asymmetric_part()), "spherical-harmonics")
