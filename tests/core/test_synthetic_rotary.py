"""The rotating-parts generator: bearings, wheels and castors."""

from __future__ import annotations

import numpy as np
import pytest

from pointcam_gui.core.classes import PART_CLASSES
from pointcam_gui.core.synthetic import bearings, castors, wheels

BUILDERS = {**bearings.BUILDERS, **wheels.BUILDERS, **castors.BUILDERS}
SUBTYPES = {
    "Radial contact ball bearings": {"open_caged", "shielded_2z", "shielded_1z", "sealed_2rs",
                                     "flanged", "snap_ring", "simplified_solid"},
    "Wheel": {"disc_tyred", "spoked_tyred", "pneumatic_tread", "v_pulley", "track_wheel",
              "moulded_solid", "dished_tyred"},
    "Castor": {"fixed_plate", "swivel_plate", "swivel_plate_brake", "swivel_stem",
               "swivel_bolt_hole", "twin_wheel_stem", "twin_wheel_plate", "fork_only"},
}
# Largest bounding-box side in mm: miniature bearing .. large wheel.
SIZE_MM = {"Radial contact ball bearings": (3.0, 450.0), "Wheel": (45.0, 650.0),
           "Castor": (40.0, 400.0)}
SEEDS = range(40)


@pytest.fixture(scope="module")
def built() -> dict[str, list]:
    return {name: [BUILDERS[name](np.random.default_rng(s)) for s in SEEDS] for name in BUILDERS}


def test_builders_are_keyed_by_real_class_names() -> None:
    assert set(BUILDERS) == set(SUBTYPES)
    assert set(BUILDERS) <= set(PART_CLASSES)


@pytest.mark.parametrize("name", sorted(SUBTYPES))
def test_every_part_is_a_finite_non_empty_mesh_of_plausible_size(built: dict, name: str) -> None:
    low, high = SIZE_MM[name]
    for mesh in built[name]:
        assert len(mesh.faces) > 0
        assert np.isfinite(mesh.vertices).all()
        assert mesh.area > 0
        assert low <= float(np.max(mesh.extents)) <= high
        assert len(mesh.faces) < 30_000


@pytest.mark.parametrize("name", sorted(SUBTYPES))
def test_every_subtype_is_reachable_and_tagged(built: dict, name: str) -> None:
    seen = {mesh.metadata["subtype"] for mesh in built[name]}
    assert seen == SUBTYPES[name]


@pytest.mark.parametrize("name", sorted(SUBTYPES))
def test_same_seed_builds_the_same_part(name: str) -> None:
    a = BUILDERS[name](np.random.default_rng(7))
    b = BUILDERS[name](np.random.default_rng(7))
    assert a.metadata["subtype"] == b.metadata["subtype"]
    np.testing.assert_array_equal(a.vertices, b.vertices)


def test_bearings_and_wheels_turn_about_z(built: dict) -> None:
    for name in ("Radial contact ball bearings", "Wheel"):
        for mesh in built[name]:
            ex = mesh.extents
            # Round in XY: the two radial extents agree within tessellation error.
            assert abs(ex[0] - ex[1]) < 0.1 * max(ex[0], ex[1])


def test_castors_are_centred_and_stand_upright(built: dict) -> None:
    for mesh in built["Castor"]:
        np.testing.assert_allclose(mesh.bounds.mean(axis=0), 0.0, atol=1e-6)
        assert mesh.extents[2] > 0.6 * mesh.extents[0]
