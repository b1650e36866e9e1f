"""The fastener builders make sane, labelled, reproducible catalogue-like parts."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.classes import PART_CLASSES
from pointcam_gui.core.synthetic import nuts, pins, screws, washers
from pointcam_gui.core.synthetic.catalogue import pick
from pointcam_gui.core.synthetic.threads import thread_ridge

BUILDERS = {**nuts.BUILDERS, **washers.BUILDERS, **pins.BUILDERS, **screws.BUILDERS}
SEEDS = range(20)


@pytest.fixture(scope="module")
def parts() -> dict[str, list[trimesh.Trimesh]]:
    return {name: [build(np.random.default_rng(seed)) for seed in SEEDS]
            for name, build in BUILDERS.items()}


def test_builders_are_keyed_by_model_class_names() -> None:
    assert set(BUILDERS) == {"Hexagonal nuts", "Thrust washers", "Cylindrical pins",
                             "Tapping screws"}
    assert set(BUILDERS) <= set(PART_CLASSES)


def test_every_part_is_a_finite_closed_solid_with_a_subtype(
        parts: dict[str, list[trimesh.Trimesh]]) -> None:
    for name, meshes in parts.items():
        for mesh in meshes:
            assert len(mesh.faces) > 0, name
            assert np.isfinite(mesh.vertices).all(), name
            assert mesh.area > 0 and mesh.volume > 0, name
            assert mesh.is_watertight, mesh.metadata["subtype"]
            assert isinstance(mesh.metadata.get("subtype"), str)
            assert len(mesh.faces) < 30_000


def test_parts_are_centred_and_millimetre_sized(parts: dict[str, list[trimesh.Trimesh]]) -> None:
    for meshes in parts.values():
        for mesh in meshes:
            assert np.allclose(mesh.bounds.mean(axis=0), 0.0, atol=1e-6)
            assert 1.0 < mesh.extents.max() < 500.0


def test_axial_parts_point_along_z(parts: dict[str, list[trimesh.Trimesh]]) -> None:
    for name in ("Tapping screws", "Cylindrical pins"):
        for mesh in parts[name]:
            # Pins and screws are longer than wide, and their length lies on Z.
            assert mesh.extents[2] > max(mesh.extents[0], mesh.extents[1]), \
                mesh.metadata["subtype"]


def test_washers_are_flat_and_nuts_have_six_flats(parts: dict[str, list[trimesh.Trimesh]]) -> None:
    for mesh in parts["Thrust washers"]:
        assert mesh.extents[2] < max(mesh.extents[:2])
    for mesh in parts["Hexagonal nuts"]:
        # Across corners / across flats of a hexagon is 2/sqrt(3); a round part would give 1.
        ratio = max(mesh.extents[:2]) / min(mesh.extents[:2])
        assert 1.0 <= ratio < 1.2 or "flanged" in mesh.metadata["subtype"]


def test_washers_stay_thinner_across_the_ring_than_a_bearing_is_wide() -> None:
    """A ring thicker than 0.7 of its radial width reads as a solid bearing, not a washer."""
    for kind in ("plain_flat", "thrust", "oil_grooved", "raceway"):
        for seed in range(60):
            mesh = washers.thrust_washer(np.random.default_rng(seed), kind)
            if "located" in mesh.metadata["subtype"]:  # a tab moves the bounding-box centre
                continue
            radius = np.linalg.norm(mesh.vertices[:, :2], axis=1)
            ring = radius.max() - radius.min()
            assert mesh.extents[2] <= 0.7 * ring * 1.001 + 1e-6, (kind, seed)


def test_fender_and_shouldered_washers_are_wide_thin_rings() -> None:
    """Real flat washers reach five times their hole's radius (generator v4: v3 stopped at three,
    and the dev set's large washers read as nothing in particular)."""
    widest = 0.0
    for kind in ("fender", "shouldered"):
        for seed in range(40):
            mesh = washers.thrust_washer(np.random.default_rng(seed), kind)
            assert mesh.metadata["subtype"] == f"{kind}_washer"
            radius = np.linalg.norm(mesh.vertices[:, :2], axis=1)
            widest = max(widest, radius.max() / radius.min())
            assert mesh.extents[2] < 0.5 * radius.max(), (kind, seed)
    assert widest > 4.0


def test_same_seed_gives_the_same_part() -> None:
    for build in BUILDERS.values():
        a = build(np.random.default_rng(7))
        b = build(np.random.default_rng(7))
        assert a.metadata["subtype"] == b.metadata["subtype"]
        assert np.array_equal(a.vertices, b.vertices)
        assert np.array_equal(a.faces, b.faces)


KINDS = [("Hexagonal nuts", nuts.hexagonal_nut, nuts.NUT_KINDS),
         ("Thrust washers", washers.thrust_washer, washers.WASHER_KINDS),
         ("Cylindrical pins", pins.cylindrical_pin, pins.PIN_KINDS),
         ("Tapping screws", screws.tapping_screw, screws.SCREW_HEADS)]


@pytest.mark.parametrize(("name", "build", "kinds"), KINDS)
def test_every_subtype_is_drawn_and_builds_as_labelled(
        name: str, build: Callable[[np.random.Generator, str], trimesh.Trimesh],
        kinds: dict[str, float]) -> None:
    assert BUILDERS[name] is build
    rng = np.random.default_rng(0)
    drawn = {pick(rng, kinds) for _ in range(500)}
    assert drawn == set(kinds)
    for kind in kinds:
        for seed in range(2):
            mesh = build(np.random.default_rng(seed), kind)
            assert mesh.metadata["subtype"].startswith(kind + "_"), (kind, mesh.metadata)
            assert mesh.is_watertight and mesh.volume > 0


def test_screws_reach_every_tip_and_recess(parts: dict[str, list[trimesh.Trimesh]]) -> None:
    seen = {m.metadata["subtype"] for m in parts["Tapping screws"]}
    for word in ("_cone_", "_flat_", "_drill_", "_cross_", "_slot_", "_hex_", "_star_", "_none_"):
        assert any(word in s for s in seen), (word, seen)


def test_thread_ridge_is_a_closed_helix_that_can_follow_a_cone() -> None:
    ridge = thread_ridge(0.0, 10.0, 1.0, lambda z: 1.0 + 0.1 * z,
                         lambda z: np.full_like(z, 0.3), 16)
    assert ridge.is_watertight and ridge.volume > 0
    radial = np.linalg.norm(ridge.vertices[:, :2], axis=1)
    low, high = ridge.vertices[:, 2] < 1.0, ridge.vertices[:, 2] > 9.0
    assert radial[high].max() > radial[low].max() + 0.5
