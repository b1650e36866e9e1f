"""The sub-types and export habits added for real downloaded CAD parts build as they should."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.synthetic import (
    castors,
    clamps_flat,
    fittings_printed,
    hooks_flat,
    joints_plain,
)
from pointcam_gui.core.synthetic import variety as v

NEW = {
    clamps_flat.c_frame: {"c_frame"}, clamps_flat.strap_clamp: {"strap_clamp"},
    clamps_flat.split_collar: {"split_collar", "tube_clamp"},
    clamps_flat.pipe_clip: {"pipe_clip", "p_clip"}, clamps_flat.pipe_strap: {"pipe_strap"},
    joints_plain.clevis_bracket: {"clevis_bracket"}, joints_plain.clevis_block: {"clevis_block"},
    joints_plain.plain_rod_end: {"plain_rod_end"}, joints_plain.single_yoke: {"single_yoke"},
    joints_plain.eyelet: {"eyelet"}, joints_plain.ball_socket: {"ball_socket"},
    hooks_flat.wall_hook: {"wall_hook", "profile_hook"},
    hooks_flat.over_door_hook: {"over_door_hook"},
    hooks_flat.strip_s_hook: {"strip_s_hook", "edge_s_hook"},
    castors.fork_only: {"fork_only"},
    fittings_printed.printed_tee: {"printed_tee", "offset_printed_tee"},
}
BUILDS = list(NEW)


@pytest.mark.parametrize("build", BUILDS, ids=lambda b: b.__name__)
def test_new_subtypes_build_centred_labelled_millimetre_parts(build) -> None:
    labels = set()
    for seed in range(15):
        mesh = build(np.random.default_rng(seed))
        labels.add(mesh.metadata["subtype"])
        assert len(mesh.faces) > 0 and np.isfinite(mesh.vertices).all() and mesh.area > 0
        assert 3 < mesh.extents.max() < 600, mesh.extents
        assert np.abs(mesh.bounds.mean(axis=0)).max() < 1e-6 * mesh.extents.max() + 1e-6
        assert len(mesh.faces) < 30_000
    assert labels == NEW[build]


@pytest.mark.parametrize("build", BUILDS, ids=lambda b: b.__name__)
def test_new_subtypes_repeat_for_a_seed_and_vary_between_seeds(build) -> None:
    a, b = build(np.random.default_rng(4)), build(np.random.default_rng(4))
    np.testing.assert_array_equal(a.vertices, b.vertices)
    np.testing.assert_array_equal(a.faces, b.faces)
    sizes = {round(float(build(np.random.default_rng(s)).extents.max()), 3) for s in range(5)}
    assert len(sizes) >= 4


@pytest.mark.parametrize("build", [clamps_flat.c_frame, clamps_flat.strap_clamp,
                                   clamps_flat.pipe_strap,
                                   joints_plain.clevis_bracket, joints_plain.clevis_block,
                                   joints_plain.single_yoke, hooks_flat.wall_hook,
                                   hooks_flat.over_door_hook, hooks_flat.strip_s_hook],
                         ids=lambda b: b.__name__)
def test_single_body_subtypes_are_closed_solids(build) -> None:
    for seed in range(6):
        mesh = build(np.random.default_rng(seed))
        main = max(mesh.split(only_watertight=False), key=lambda m: m.area)
        assert main.is_watertight and main.volume > 0


def test_fork_only_castors_are_their_own_subtype_and_stand_upright() -> None:
    for seed in range(10):
        bare = castors.fork_only(np.random.default_rng(seed))
        assert bare.metadata["subtype"] == "fork_only"
        assert bare.extents[2] > 0.6 * bare.extents[0]
        assert castors._castor(np.random.default_rng(seed)).metadata["subtype"] != "fork_only"


def _assembly() -> trimesh.Trimesh:
    big = trimesh.creation.cylinder(radius=20.0, height=60.0, sections=48)
    nut = trimesh.creation.annulus(r_min=3.0, r_max=5.0, height=3.0)
    nut.apply_translation([40.0, 0, 0])
    return trimesh.util.concatenate([big, nut])


def test_main_body_drops_the_small_loose_parts() -> None:
    out = v._main_body(_assembly(), np.random.default_rng(0))
    assert out.body_count == 1 and out.extents.max() == pytest.approx(60.0)


def test_loose_screw_adds_a_disjoint_body() -> None:
    part = trimesh.creation.box((30.0, 20.0, 10.0))
    out = v._loose_screw(part, np.random.default_rng(1))
    assert out.body_count == 2 and len(out.faces) > len(part.faces)


def test_duplicate_writes_some_triangles_twice() -> None:
    part = trimesh.creation.icosphere(subdivisions=2)
    out = v._duplicate(part, np.random.default_rng(2))
    assert len(part.faces) < len(out.faces) <= 2 * len(part.faces)
    assert len(out.vertices) == len(part.vertices)


def test_open_side_leaves_one_outer_side_open() -> None:
    part = trimesh.creation.box((30.0, 20.0, 10.0))
    out = v._open_side(part, np.random.default_rng(3))
    assert len(out.faces) == len(part.faces) - 2 and not out.is_watertight


def test_coarsen_makes_a_fine_part_low_poly_but_keeps_its_size() -> None:
    part = trimesh.creation.icosphere(subdivisions=5, radius=10.0)
    out = v._coarsen(part, np.random.default_rng(4))
    assert len(out.faces) < len(part.faces)
    np.testing.assert_allclose(out.extents, part.extents, rtol=0.1)


def test_variety_reaches_every_real_file_habit_at_a_modest_rate() -> None:
    part = _assembly()
    counts: dict[str, int] = {}
    runs = 400
    for seed in range(runs):
        for name in vary_names(part, seed):
            counts[name] = counts.get(name, 0) + 1
    for habit in ("main_body", "coarsen", "open_side", "loose_screw", "duplicate"):
        assert 0 < counts.get(habit, 0) < 0.15 * runs, (habit, counts)


def vary_names(part: trimesh.Trimesh, seed: int) -> list[str]:
    return list(v.vary(part, np.random.default_rng(seed)).metadata["variety"])
