"""The hook, clamp and articulated-joint builders: valid, varied, deterministic catalogue sizes."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.classes import PART_CLASSES
from pointcam_gui.core.synthetic import clamps, hooks, joints

FAMILIES = {"Hook": hooks, "Clamps": clamps,
            "Articulations, eyelets and other articulated joints": joints}
SUBTYPES = {
    "Hook": {"eye_hook", "shank_hook", "ramshorn_hook", "j_hook", "s_hook", "wire_hook",
             "plate_hook", "wall_hook", "profile_hook", "over_door_hook", "strip_s_hook",
             "edge_s_hook"},
    "Clamps": {"c_clamp", "pipe_clamp", "hose_clamp", "u_bolt", "toggle_clamp",
               "horizontal_toggle_clamp", "c_frame", "strap_clamp", "split_collar", "tube_clamp",
               "pipe_clip", "p_clip", "pipe_strap"},
    "Articulations, eyelets and other articulated joints": {
        "rod_end", "clevis", "ball_joint", "eye_bolt", "hinge", "universal_joint",
        "clevis_bracket", "clevis_block", "plain_rod_end", "single_yoke", "eyelet",
        "ball_socket"},
}
# Sub-types labelled other than the builder function that draws them.
LABELLED_BY = {"p_clip": "pipe_clip", "tube_clamp": "split_collar", "profile_hook": "wall_hook",
               "edge_s_hook": "strip_s_hook"}
SEEDS = range(20)


def _build(name: str, seed: int) -> trimesh.Trimesh:
    return FAMILIES[name].BUILDERS[name](np.random.default_rng(seed))


@pytest.fixture(scope="module", params=list(FAMILIES))
def built(request: pytest.FixtureRequest) -> tuple[str, list[trimesh.Trimesh]]:
    return request.param, [_build(request.param, s) for s in SEEDS]


def test_each_module_exposes_exactly_its_class_under_the_model_name() -> None:
    for name, module in FAMILIES.items():
        assert name in PART_CLASSES
        assert set(module.BUILDERS) == {name}


def test_every_part_is_a_finite_non_empty_mesh_with_area(
        built: tuple[str, list[trimesh.Trimesh]]) -> None:
    _, meshes = built
    for mesh in meshes:
        assert len(mesh.faces) > 0
        assert np.isfinite(mesh.vertices).all()
        assert mesh.area > 0
        assert len(mesh.faces) < 40_000


def test_parts_are_centred_and_catalogue_sized_in_millimetres(
        built: tuple[str, list[trimesh.Trimesh]]) -> None:
    _, meshes = built
    for mesh in meshes:
        size = mesh.extents.max()
        assert 8 < size < 1200, size
        assert np.abs(mesh.bounds.mean(axis=0)).max() < 1e-6 * size + 1e-6


def test_every_subtype_is_reachable_and_labelled(
        built: tuple[str, list[trimesh.Trimesh]]) -> None:
    name, meshes = built
    seen = {m.metadata["subtype"] for m in meshes}
    extra = {_build(name, s).metadata["subtype"] for s in range(100, 140)}
    assert seen | extra == SUBTYPES[name]


def test_subtype_builders_each_produce_valid_parts() -> None:
    for module, names in ((hooks, SUBTYPES["Hook"]), (clamps, SUBTYPES["Clamps"]),
                          (joints, SUBTYPES[PART_CLASSES[0]])):
        for sub in names - set(LABELLED_BY):
            mesh = getattr(module, sub)(np.random.default_rng(7))
            assert mesh.metadata["subtype"] in {sub} | {k for k, v in LABELLED_BY.items()
                                                        if v == sub}
            assert mesh.area > 0


@pytest.mark.parametrize("name", list(FAMILIES))
def test_same_seed_gives_the_same_part(name: str) -> None:
    a, b = _build(name, 11), _build(name, 11)
    assert a.metadata == b.metadata
    np.testing.assert_array_equal(a.vertices, b.vertices)
    np.testing.assert_array_equal(a.faces, b.faces)


def test_different_seeds_give_different_sizes() -> None:
    sizes = {round(float(_build("Hook", s).extents.max()), 3) for s in range(6)}
    assert len(sizes) == 6
