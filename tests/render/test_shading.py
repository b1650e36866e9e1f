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


def _reference_split_count(mesh: trimesh.Trimesh, crease_deg: float = 35.0) -> int:
    """Split vertices by trimesh's face adjacency (edges shared by exactly two faces)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    faces = np.asarray(mesh.faces)
    smooth = mesh.face_adjacency_angles < np.radians(crease_deg)
    pairs, shared = mesh.face_adjacency[smooth], mesh.face_adjacency_edges[smooth]
    rows, cols = [], []
    for end in range(2):
        v = shared[:, end]
        rows.append(3 * pairs[:, 0] + np.argmax(faces[pairs[:, 0]] == v[:, None], axis=1))
        cols.append(3 * pairs[:, 1] + np.argmax(faces[pairs[:, 1]] == v[:, None], axis=1))
    graph = coo_matrix((np.ones(sum(map(len, rows))), (np.concatenate(rows),
                        np.concatenate(cols))), shape=(3 * len(faces),) * 2)
    return connected_components(graph, directed=False)[0]


def test_split_matches_trimesh_adjacency_on_non_manifold_and_mixed_parts() -> None:
    # two boxes sharing one edge: that edge belongs to four faces and joins none of them
    a = trimesh.creation.box((1.0, 1.0, 1.0))
    b = trimesh.creation.box((1.0, 1.0, 1.0))
    b.apply_translation((1.0, 1.0, 0.0))
    touching = trimesh.util.concatenate([a, b])
    touching.merge_vertices()
    assert (np.unique(np.sort(touching.edges, axis=1), axis=0, return_counts=True)[1] > 2).any()
    for mesh in (touching, trimesh.creation.annulus(0.5, 1.0, 0.3),
                 trimesh.creation.icosphere(2), trimesh.creation.capsule(1.0, 0.5)):
        geometry = split_sharp_edges(mesh)
        assert len(geometry.vertices) == _reference_split_count(mesh)
        np.testing.assert_array_equal(geometry.source[geometry.faces], mesh.faces)


def test_a_part_over_the_limit_is_drawn_as_its_facets(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pointcam_gui.core.loader_child import _display_blocks
    from pointcam_gui.core.refine import refine_for_display
    from pointcam_gui.gui.stages import display_of
    from pointcam_gui.render import shading
    from pointcam_gui.render.scene import heat_polydata

    # as the display refines them: the limit counts the display mesh's faces
    torus_part = trimesh.creation.torus(1.0, 0.3, major_sections=64)
    box_part = trimesh.creation.box((2.0, 1.0, 0.5))
    torus, box = refine_for_display(torus_part), refine_for_display(box_part)
    assert len(torus.faces) > len(box.faces)
    monkeypatch.setattr(shading, "SPLIT_MAX_FACES", len(box.faces))
    geometry = shading.display_geometry(torus)
    assert geometry.normals is None  # the renderer lights each triangle by its own plane
    np.testing.assert_array_equal(geometry.vertices, torus.vertices.astype(np.float32))
    np.testing.assert_array_equal(geometry.faces, torus.faces)
    np.testing.assert_array_equal(geometry.source, np.arange(len(torus.vertices)))
    assert shading.display_geometry(box).normals is not None  # at the limit: still split
    assert len(shading.display_geometry(box).vertices) > len(box.vertices)
    # the loader's child sends nothing for it: the worker's own display mesh is that geometry
    assert display_of(torus_part) is None and _display_blocks(display_of, torus_part) is None
    assert display_of(box_part) is not None

    class Painted:  # what heat_polydata reads of an analysis
        vertex_heat = np.linspace(0.0, 1.0, len(torus.vertices), dtype=np.float32)[None]

    mesh = heat_polydata(Painted(), 0, geometry)  # type: ignore[arg-type]
    assert "Normals" not in mesh.point_data and mesh.n_cells == len(torus.faces)
    np.testing.assert_array_equal(mesh.point_data["heat"], Painted.vertex_heat[0])
