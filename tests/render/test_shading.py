"""Crease splitting: crisp CAD edges, smooth curved surfaces, and an exact map back for heat."""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.render.shading import split_sharp_edges


def test_a_box_gets_one_vertex_per_corner_and_face_with_flat_normals() -> None:
    box = trimesh.creation.box((2.0, 1.0, 0.5))
    geometry = split_sharp_edges(box)
    assert len(geometry.vertices) == 24  # 8 corners x 3 faces meeting there
    assert np.allclose(np.abs(geometry.normals).max(axis=1), 1.0)  # axis-aligned
    np.testing.assert_allclose(geometry.vertices, box.vertices[geometry.source], atol=1e-6)
    # the same triangles, in the same order, through the split vertices
    np.testing.assert_array_equal(geometry.source[geometry.faces], box.faces)


def test_a_smooth_surface_is_not_split() -> None:
    torus = trimesh.creation.torus(1.0, 0.3)
    geometry = split_sharp_edges(torus)
    assert len(geometry.vertices) == len(torus.vertices)
    dots = np.einsum("ij,ij->i", geometry.normals, torus.vertex_normals[geometry.source])
    assert dots.min() > 0.99


def test_heat_follows_each_copy_back_to_its_vertex() -> None:
    cylinder = trimesh.creation.cylinder(0.5, 2.0, sections=24)
    geometry = split_sharp_edges(cylinder)
    heat = np.linspace(0.0, 1.0, len(cylinder.vertices), dtype=np.float32)
    painted = geometry.heat(heat)
    assert len(painted) == len(geometry.vertices) > len(cylinder.vertices)
    np.testing.assert_array_equal(painted, heat[geometry.source])
