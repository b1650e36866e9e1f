"""The degeneracy test: float32 corners tested in float32 first must answer as float64 does."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import triangles, welding
from pointcam_gui.core.triangles import TOLERANCE, nondegenerate


def _hard_triangles(seed: int) -> np.ndarray:
    """(m, 3, 3) float32 triangles around the tolerance: slivers whose height or longest edge
    lies within a few float32 steps of 1e-8, at scales from 1e-6 to 1e20, with repeated,
    nearly repeated and non-finite corners among ordinary ones."""
    rng = np.random.default_rng(seed)
    m = 60_000
    scale = 10.0 ** rng.uniform(-6, 20, (m, 1, 1))
    t = rng.normal(size=(m, 3, 3)) * scale
    kind = rng.integers(0, 6, m)
    base = t[:, 0]
    along = rng.normal(size=(m, 3))
    along /= np.linalg.norm(along, axis=1, keepdims=True)
    off = rng.normal(size=(m, 3))
    off -= (off * along).sum(1, keepdims=True) * along
    off /= np.linalg.norm(off, axis=1, keepdims=True)
    length = 10.0 ** rng.uniform(-9, 2, m)[:, None]
    height = TOLERANCE * rng.uniform(0.5, 1.5, m)[:, None]  # heights about the tolerance
    sliver = np.stack([base, base + along * length, base + along * length / 2 + off * height],
                      axis=1)
    tiny = np.stack([base, base + along * TOLERANCE * rng.uniform(0.5, 1.5, (m, 1)),
                     base + off * TOLERANCE * rng.uniform(0.5, 1.5, (m, 1))], axis=1)
    t[kind == 1] = sliver[kind == 1]
    t[kind == 2] = tiny[kind == 2]
    t[kind == 3, 2] = t[kind == 3, 1]  # a repeated corner
    t[kind == 4, 2] = np.nextafter(t[kind == 4, 1].astype(np.float32), np.float32(np.inf))
    t = t.astype(np.float32)
    t[rng.random(m) < 0.001, 0, 0] = np.nan
    t[rng.random(m) < 0.001, 1, 2] = np.inf
    return t


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_float32_triangles_are_tested_as_float64_tests_them(seed: int) -> None:
    t = _hard_triangles(seed)
    with np.errstate(all="ignore"):
        expected = triangles.tall_triangles(t.astype(np.float64))  # the float64 test alone
        got = triangles.tall_triangles(t)  # float32 first
        sure = triangles.surely_tall(*triangles._soup_edges(t))
    np.testing.assert_array_equal(got, expected)
    assert not (sure & ~expected).any()  # never sure of a face float64 calls degenerate
    assert sure.mean() > 0.15  # and sure of the ordinary ones (a sixth of these)


def test_nondegenerate_answers_the_same_for_float32_values_as_for_any_others() -> None:
    t = _hard_triangles(3)
    t[~np.isfinite(t)] = 0  # load_mesh refuses non-finite corners before any weld
    vertices = t.reshape(-1, 3).astype(np.float64)
    faces = np.arange(len(vertices)).reshape(-1, 3)
    faces[::7, 2] = faces[::7, 0]  # a repeated vertex
    with np.errstate(all="ignore"):
        got = nondegenerate(vertices, faces)  # float32 values: tested in float32 first
        assert triangles._exactly_single(np.ascontiguousarray(vertices.T)) is not None
        widened = vertices + 1e-30 * (vertices == 0)  # no longer all float32 values
        widened[0, 0] = np.nextafter(widened[0, 0], np.inf)
        assert triangles._exactly_single(np.ascontiguousarray(widened.T)) is None
        expected = triangles.tall_triangles(t.astype(np.float64)) & (faces[:, 2] != faces[:, 0])
    np.testing.assert_array_equal(got, expected)


def test_a_real_mesh_read_as_float32_loses_no_face_and_keeps_no_sliver() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=4)
    soup = sphere.vertices[sphere.faces].astype(np.float32)
    v32, f32 = welding.fuse(soup)
    v64, f64 = welding.fuse(soup.astype(np.float64))
    np.testing.assert_array_equal(v32[f32], v64[f64])  # the same triangles kept, in order
