"""Display refinement, point-to-vertex heat interpolation and colormaps."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import heatmap, refine
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.heatmap import (
    COLORMAPS,
    DEFAULT_COLORMAP,
    colorize,
    colormap_lut,
    heat_per_vertex,
)
from pointcam_gui.core.refine import refine_for_display


def _diag(mesh: trimesh.Trimesh) -> float:
    return float(np.linalg.norm(np.ptp(mesh.vertices, axis=0)))


def _edge_lengths(mesh: trimesh.Trimesh) -> np.ndarray:
    return np.linalg.norm(np.diff(mesh.vertices[mesh.edges_unique], axis=1)[:, 0], axis=1)


def _quality(mesh: trimesh.Trimesh) -> np.ndarray:
    """4*sqrt(3)*area / sum of squared edges: 1 for an equilateral triangle, 0 for a sliver."""
    tri = mesh.triangles
    edges = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2)
    return 4 * np.sqrt(3) * mesh.area_faces / (edges**2).sum(axis=1)


def _nut() -> trimesh.Trimesh:
    """Hexagon with a round hole: the long thin fan triangles a CAD export produces."""
    ring = trimesh.creation.cylinder(4.5, 20, sections=96)
    hexagon = trimesh.creation.cylinder(9.2, 8, sections=6)
    return trimesh.boolean.difference([hexagon, ring], engine="manifold")


def test_box_of_twelve_triangles_becomes_thousands_of_well_shaped_vertices() -> None:
    box = trimesh.creation.box((1.0, 2.0, 3.0))
    fine = refine_for_display(box)
    assert 2_000 < len(fine.vertices) <= refine.DISPLAY_VERTEX_BUDGET
    target = _diag(box) * refine.EDGE_FRACTION
    lengths = _edge_lengths(fine)
    assert np.percentile(lengths, 90) <= 1.05 * target and lengths.max() < 2 * target
    assert np.median(_quality(fine)) > 0.8
    assert np.percentile(_quality(fine), 1) > 0.4


def test_refinement_keeps_the_surface_exactly() -> None:
    for mesh in (trimesh.creation.box((1.0, 2.0, 3.0)), _nut()):
        fine = refine_for_display(mesh)
        assert len(fine.vertices) > 4 * len(mesh.vertices)
        probe = fine.vertices[:: max(1, len(fine.vertices) // 3000)]
        _, distance, _ = trimesh.proximity.closest_point(mesh, probe)
        assert distance.max() < 1e-9 * _diag(mesh)
        assert fine.is_watertight  # conforming: no T-junctions, no cracks
        assert fine.area == pytest.approx(mesh.area, rel=1e-9)
        assert fine.volume == pytest.approx(mesh.volume, rel=1e-9)
        np.testing.assert_array_equal(fine.vertices[: len(mesh.vertices)], mesh.vertices)


def test_refined_triangles_keep_their_parents_orientation() -> None:
    nut = _nut()
    fine = refine_for_display(nut)
    centres = fine.triangles_center[::7]
    _, _, parent = trimesh.proximity.closest_point(nut, centres)
    cosine = np.einsum("ij,ij->i", fine.face_normals[::7], nut.face_normals[parent])
    assert cosine.min() > 0.999
    np.testing.assert_allclose(np.linalg.norm(fine.vertex_normals, axis=1), 1.0, atol=1e-6)


def test_long_thin_triangles_are_refined_along_their_length_without_exploding() -> None:
    rod = trimesh.creation.cylinder(1.0, 30.0, sections=48)  # sides: 30 long, 0.13 wide
    fine = refine_for_display(rod)
    lengths = _edge_lengths(fine)
    assert lengths.max() < 1.1 * _diag(rod) * refine.EDGE_FRACTION  # ladder rungs: a bit over
    # a ladder along each side needs ~2 * 48 * 80 vertices; 1-to-4 splitting needs ~100k
    assert len(fine.vertices) < 12_000
    assert fine.area == pytest.approx(rod.area, rel=1e-9)


def test_refinement_stays_within_the_vertex_budget() -> None:
    for mesh in (trimesh.creation.box(), _nut()):
        for budget in (len(mesh.vertices) + 1, 500, 3_000):
            fine = refine_for_display(mesh, vertex_budget=budget)
            assert len(mesh.vertices) <= len(fine.vertices) <= max(budget, len(mesh.vertices))
            assert fine.is_watertight
    assert len(refine_for_display(trimesh.creation.box(), vertex_budget=3_000).vertices) > 1_000


def test_mesh_at_or_above_the_budget_comes_back_as_an_untouched_copy() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=3)  # 642 vertices
    out = refine_for_display(sphere, vertex_budget=600)
    np.testing.assert_array_equal(out.vertices, sphere.vertices)
    np.testing.assert_array_equal(out.faces, sphere.faces)
    out.vertices[0] = [9.0, 9.0, 9.0]
    assert not np.allclose(sphere.vertices[0], [9.0, 9.0, 9.0])


def test_refinement_never_changes_its_input() -> None:
    box = trimesh.creation.box()
    before = box.vertices.copy(), box.faces.copy()
    refine_for_display(box)
    np.testing.assert_array_equal(box.vertices, before[0])
    np.testing.assert_array_equal(box.faces, before[1])


def test_fine_mesh_needs_no_refinement() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=5)  # edges already under diag/80
    assert len(refine_for_display(sphere).vertices) == len(sphere.vertices)


def test_every_small_count_pattern_tiles_its_triangle() -> None:
    # includes patterns that break the triangle inequality (rounded counts of flat triangles)
    for counts in itertools.product(range(1, 7), repeat=3):
        key = min(counts[r:] + counts[:r] for r in range(3))  # as refinement asks for them
        bary, tris = refine._template(key)  # raises if the triangles do not tile
        assert np.all(bary > 0) and np.allclose(bary.sum(axis=1), 1.0)
        assert tris.max() < 3 + sum(k - 1 for k in key) + len(bary)


def _surface_points(mesh: trimesh.Trimesh, n: int) -> np.ndarray:
    points, _ = trimesh.sample.sample_surface(mesh, n, seed=0)
    return np.asarray(points)


def test_heat_takes_exact_values_at_the_sampled_points() -> None:
    points = _surface_points(trimesh.creation.box(), 500)
    cams = np.random.default_rng(0).random((3, 500)).astype(np.float32)
    heat = heat_per_vertex(points, cams, points)
    assert heat.shape == (3, 500) and heat.dtype == np.float32
    np.testing.assert_allclose(heat, cams, atol=1e-6)


def test_heat_reproduces_a_linear_field_approximately() -> None:
    box = trimesh.creation.box((1.0, 2.0, 3.0))
    points = _surface_points(box, 4000)
    field = lambda p: (p @ np.array([1.0, 2.0, 3.0]) + 7.0) / 14.0  # noqa: E731
    display = refine_for_display(box)
    heat = heat_per_vertex(points, field(points)[None].astype(np.float32), display.vertices)[0]
    error = np.abs(heat - field(display.vertices))
    assert error.mean() < 0.01 and error.max() < 0.06


def test_heat_stays_in_the_input_range() -> None:
    points = _surface_points(trimesh.creation.box(), 1024)
    cams = np.random.default_rng(1).random((12, 1024)).astype(np.float32)
    cams[:, 0], cams[:, 1] = 0.0, 1.0
    heat = heat_per_vertex(points, cams, refine_for_display(trimesh.creation.box()).vertices)
    assert heat.shape[0] == 12 and heat.min() >= 0.0 and heat.max() <= 1.0


def test_heat_is_the_same_however_the_vertices_are_chunked(monkeypatch) -> None:
    points = _surface_points(trimesh.creation.box(), 300)
    cams = np.random.default_rng(2).random((2, 300)).astype(np.float32)
    vertices = refine_for_display(trimesh.creation.box(), vertex_budget=2_000).vertices
    whole = heat_per_vertex(points, cams, vertices)
    monkeypatch.setattr(heatmap, "_CHUNK", 97)
    np.testing.assert_array_equal(heat_per_vertex(points, cams, vertices), whole)


def test_heat_from_fewer_points_than_neighbours_is_a_weighted_mean() -> None:
    points = np.array([[0.0, 0, 0], [1.0, 0, 0]])
    heat = heat_per_vertex(points, np.array([[0.0, 1.0]]), np.array([[0.5, 0, 0], [1.0, 0, 0]]))
    np.testing.assert_allclose(heat, [[0.5, 1.0]], atol=1e-6)


def test_heat_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="cams"):
        heat_per_vertex(np.zeros((4, 3)), np.zeros((2, 5)), np.zeros((1, 3)))


def test_jet_is_the_default_and_paints_high_red_and_low_blue() -> None:
    assert DEFAULT_COLORMAP == "jet"
    high, middle, low = colorize(np.array([1.0, 0.5, 0.0]))
    assert high[0] > 100 and high[0] > 2 * max(high[1], high[2])
    assert low[2] > 100 and low[2] > 2 * max(low[0], low[1])
    assert middle[1] > 200  # green-ish between them
    assert (colorize(np.zeros(3))[:, 3] == 255).all()


def test_every_listed_colormap_has_a_256_entry_table() -> None:
    for name in COLORMAPS:
        lut = colormap_lut(name)
        assert lut.shape == (256, 4) and lut.dtype == np.uint8
        assert not np.array_equal(lut[0], lut[-1])
    np.testing.assert_array_equal(colormap_lut("Viridis"), colormap_lut("viridis"))


def test_unknown_colormap_is_a_one_line_error_naming_the_choices() -> None:
    with pytest.raises(PointCAMError, match="jet, turbo, viridis, inferno, coolwarm") as info:
        colorize(np.zeros(3), "rainbow")
    assert "\n" not in str(info.value)


def test_colorize_clips_out_of_range_and_nan_values() -> None:
    rgba = colorize(np.array([-1.0, 2.0, np.nan]), "viridis")
    lut = colormap_lut("viridis")
    np.testing.assert_array_equal(rgba, lut[[0, 255, 0]])
