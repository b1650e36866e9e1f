"""Pipe fittings: every sub-type builds a hollow, plausible, deterministic part."""

from __future__ import annotations

import numpy as np
import pytest

from pointcam_gui.core.synthetic import fittings
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.fittings import BUILDERS, ELBOWS, TEES, pick_subtype, swept_tube

SUBTYPES = [*ELBOWS.items(), *TEES.items()]


@pytest.mark.parametrize(("subtype", "build"), SUBTYPES, ids=[s for s, _ in SUBTYPES])
def test_every_subtype_builds_a_closed_hollow_part_in_mm(subtype, build) -> None:
    for seed in range(2):
        mesh = build(np.random.default_rng(seed))
        assert mesh.metadata["subtype"] == subtype
        assert np.isfinite(mesh.vertices).all() and mesh.area > 0
        assert mesh.is_watertight and mesh.volume > 0
        assert 3.0 < mesh.extents.max() < 1500.0
        assert len(mesh.faces) < 30_000
        # Hollow: far less material than the solid hull (the bore runs through).
        assert mesh.volume < 0.8 * mesh.convex_hull.volume


def test_tee_run_bore_goes_through() -> None:
    """A thin rod down the run axis touches no material: the bore is open end to end."""
    for seed in range(3):
        for name in ("butt_weld_tee", "socket_tee", "flanged_tee"):
            mesh = TEES[name](np.random.default_rng(seed))
            top = mesh.vertices[mesh.vertices[:, 2] > mesh.bounds[1][2] - 1e-6]
            axis_xy = top[:, :2].mean(axis=0)  # the end ring is symmetric about the axis
            rod = sh.cylinder(0.5, 3 * mesh.extents[2], 12, z0=-1.5 * mesh.extents[2])
            rod.apply_translation([*axis_xy, 0.0])
            touched = sh.intersection(mesh, rod)
            assert touched.is_empty or touched.volume < 1e-6, name


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builders_reach_every_subtype_and_repeat_for_a_seed(name) -> None:
    family = ELBOWS if name == "Elbow fitting" else TEES
    seen = {pick_subtype(np.random.default_rng(s), family) for s in range(200)}
    assert seen == set(family)
    a, b = (BUILDERS[name](np.random.default_rng(7)) for _ in range(2))
    assert a.metadata["subtype"] == pick_subtype(np.random.default_rng(7), family)
    assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.faces, b.faces)


def test_swept_tube_mitres_a_sharp_corner_without_pinching() -> None:
    path = np.array([[0.0, 0, -10], [0, 0, 0], [10, 0, 0]])
    tube = swept_tube(path, np.full(3, 2.0), 32)
    assert tube.is_watertight and tube.volume > 0
    # Two 10 mm legs of radius 2 meeting in a mitre: exactly the volume of the two cylinders.
    assert tube.volume == pytest.approx(2 * np.pi * 4 * 10, rel=0.03)


def test_reducing_elbow_ends_have_different_bores() -> None:
    found = False
    for seed in range(20):
        mesh = fittings.elbow(np.random.default_rng(seed), "x", ("bevel", "bevel"), "arc",
                              (50, 60), p_reduce=1.0)
        ext = mesh.extents
        found = found or ext.min() < 0.9 * sorted(ext)[1]
    assert found
