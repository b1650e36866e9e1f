from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.moments import SurfaceMoments
from pointcam_gui.core.pose import TURNS, placement, pose_frames, random_frame
from pointcam_gui.core.training.augmentation import random_rotations


def _asymmetric_part() -> trimesh.Trimesh:
    body = trimesh.creation.box(extents=(40, 20, 8))
    lug = trimesh.creation.cylinder(radius=4, height=12)
    lug.apply_translation([14, 5, 6])
    return trimesh.util.concatenate([body, lug])


def _moved(mesh: trimesh.Trimesh, seed: int, scale: float = 1 / 25.4) -> trimesh.Trimesh:
    copy = mesh.copy()
    transform = np.eye(4)
    transform[:3, :3] = random_rotations(1, np.random.default_rng(seed))[0] * scale
    transform[:3, 3] = [500.0, -20.0, 3.0]
    copy.apply_transform(transform)
    return copy


def _assert_rotations(frames: np.ndarray) -> None:
    assert np.allclose(frames @ frames.transpose(0, 2, 1), np.eye(3), atol=1e-9)
    assert np.allclose(np.linalg.det(frames), 1.0)


def test_moments_are_exact_integrals_over_the_surface() -> None:
    """A 2 x 4 x 6 box: each face's second moment is known in closed form."""
    box = trimesh.creation.box(extents=(2, 4, 6))
    m = SurfaceMoments.of(box.triangles)
    a, b, c = 1.0, 2.0, 3.0  # half extents
    # x^2 over the surface: faces at x = +-a contribute a^2 * area, the others (2a)^2/12 * area
    area_x, area_y, area_z = 4 * b * c, 4 * a * c, 4 * a * b
    total = 2 * (area_x + area_y + area_z)
    xx = (2 * area_x * a**2 + 2 * (area_y + area_z) * a**2 / 3) / total
    assert m.area == pytest.approx(total)
    np.testing.assert_allclose(m.centroid, 0, atol=1e-12)
    assert m.second[0, 0] == pytest.approx(xx, rel=1e-12)
    np.testing.assert_allclose(m.second, np.diag(np.diag(m.second)), atol=1e-12)
    np.testing.assert_allclose(m.third, 0, atol=1e-12)  # symmetric about every plane


def test_moments_of_a_triangle_are_its_closed_form_integrals_up_to_degree_three() -> None:
    """The unit right triangle: the mean of x^a y^b over it is 2 a! b! / (a + b + 2)!."""
    from itertools import product
    from math import comb, factorial

    def raw(a: int, b: int) -> float:
        return 2.0 * factorial(a) * factorial(b) / factorial(a + b + 2)

    def central(a: int, b: int) -> float:  # mean of (x - 1/3)^a (y - 1/3)^b
        m = 1.0 / 3.0
        return sum(comb(a, i) * comb(b, j) * (-m) ** (a - i + b - j) * raw(i, j)
                   for i in range(a + 1) for j in range(b + 1))

    triangle = np.array([[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    m = SurfaceMoments.of(triangle)
    assert m.area == pytest.approx(0.5)
    np.testing.assert_allclose(m.centroid, [1 / 3, 1 / 3, 0], atol=1e-15)
    for i, j in product(range(2), repeat=2):
        xs = (i == 0) + (j == 0)  # how many of the two coordinates are x
        assert m.second[i, j] == pytest.approx(central(xs, 2 - xs), abs=1e-15)
    for i, j, k in product(range(2), repeat=3):
        xs = (i == 0) + (j == 0) + (k == 0)
        assert m.third[i, j, k] == pytest.approx(central(xs, 3 - xs), abs=1e-15)


def test_third_moment_matches_a_dense_sample_of_the_surface() -> None:
    cone = trimesh.creation.cone(radius=2, height=5, sections=64)
    m = SurfaceMoments.of(cone.triangles)
    points = trimesh.sample.sample_surface(cone, 400_000, seed=0)[0]
    axis = np.array([[0.0], [0.0], [1.0]])
    sampled = (((points - points.mean(0)) @ axis) ** 3).mean()
    assert m.third_along(axis)[0] == pytest.approx(sampled, rel=0.02)


def test_stretched_moments_are_the_moments_of_stretched_points() -> None:
    """Training samples a part, then stretches the points: the frame must be that density's."""
    part = _asymmetric_part()
    stretch = np.diag([1.2, 0.85, 1.1])
    moments = SurfaceMoments.of(part.triangles).stretched(stretch)
    points = trimesh.sample.sample_surface(part, 400_000, seed=1)[0] @ stretch.T
    centred = points - points.mean(axis=0)
    np.testing.assert_allclose(moments.centroid, points.mean(axis=0), atol=0.05)
    np.testing.assert_allclose(moments.second, centred.T @ centred / len(points), rtol=0.02,
                               atol=0.5)
    axis = np.array([[1.0], [0.3], [0.2]]) / np.sqrt(1.13)
    assert moments.third_along(axis)[0] == pytest.approx(((centred @ axis) ** 3).mean(),
                                                         rel=0.05)


def test_a_part_with_a_definite_pose_lands_in_the_same_frame_however_it_is_placed() -> None:
    part = _asymmetric_part()
    frames = pose_frames(SurfaceMoments.of(part.triangles))
    assert frames.degenerate == "none" and frames.count == 1
    for seed in range(3):
        copy = _moved(part, seed)
        other = pose_frames(SurfaceMoments.of(copy.triangles))
        a = (part.vertices - frames.centroid) @ frames.rotations[0]
        b = (copy.vertices - other.centroid) @ other.rotations[0] * 25.4
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize(("make", "axis", "count"), [
    (lambda: trimesh.creation.annulus(r_min=5, r_max=10, height=1, sections=64), 2, 2 * TURNS),
    (lambda: trimesh.creation.cylinder(radius=1, height=10, sections=32), 0, 2 * TURNS),
    (lambda: trimesh.creation.cone(radius=2, height=5, sections=64), 0, TURNS),
])
def test_parts_symmetric_about_an_axis_are_seen_turned_about_it(make, axis: int,
                                                                count: int) -> None:
    """A washer's normal is its least spread axis, a pin's its most; a cone's axis has a
    preferred end (its third moment), a washer's and a pin's do not, so both ends are used."""
    frames = pose_frames(SurfaceMoments.of(make().triangles))
    assert frames.degenerate == "axis" and frames.symmetry_axis == axis
    assert frames.count == count
    _assert_rotations(frames.rotations)
    normals = frames.rotations[:, :, axis]
    assert np.allclose(np.abs(normals @ normals[0]), 1.0)  # all share the symmetry axis
    assert len({tuple(np.round(r.ravel(), 6)) for r in frames.rotations}) == count


def test_a_part_symmetric_about_three_planes_uses_both_signs_of_its_axes() -> None:
    frames = pose_frames(SurfaceMoments.of(trimesh.creation.box(extents=(10, 20, 30)).triangles))
    assert frames.degenerate == "none" and frames.count == 4  # the sign pairs that keep a rotation
    _assert_rotations(frames.rotations)
    np.testing.assert_allclose(np.abs(frames.rotations).sum(axis=0) / 4,
                               np.abs(frames.rotations[0]), atol=1e-12)


def test_a_cube_has_no_preferred_axes_and_gets_a_spread_of_twelve_frames() -> None:
    frames = pose_frames(SurfaceMoments.of(trimesh.creation.box(extents=(5, 5, 5)).triangles))
    assert frames.degenerate == "sphere" and frames.count == 12
    _assert_rotations(frames.rotations)


def test_the_frame_set_of_a_symmetric_part_does_not_depend_on_units() -> None:
    washer = trimesh.creation.annulus(r_min=5, r_max=10, height=1, sections=64)
    a = pose_frames(SurfaceMoments.of(washer.triangles))
    b = pose_frames(SurfaceMoments.of(_moved(washer, 4, scale=1000.0).triangles))
    assert (a.degenerate, a.symmetry_axis, a.count) == (b.degenerate, b.symmetry_axis, b.count)


def test_random_frames_are_rotations_the_ambiguity_allows() -> None:
    washer = pose_frames(SurfaceMoments.of(
        trimesh.creation.annulus(r_min=5, r_max=10, height=1, sections=64).triangles))
    rng = np.random.default_rng(0)
    picks = np.stack([random_frame(washer, rng) for _ in range(20)])
    _assert_rotations(picks)
    normal = washer.rotations[0][:, 2]
    assert np.allclose(np.abs(picks[:, :, 2] @ normal), 1.0)  # turned about the washer's normal
    assert len({tuple(np.round(p[:, 0], 3)) for p in picks}) == 20  # at any angle


def test_placement_centres_the_bounding_box_inside_the_unit_sphere() -> None:
    box = trimesh.creation.box(extents=(4, 2, 2))
    box.apply_translation([10, 0, 0])
    centres, radii = placement(box.vertices, np.eye(3)[None])
    np.testing.assert_allclose(centres[0], [10, 0, 0])
    assert radii[0] == pytest.approx(np.sqrt(4 + 1 + 1))
