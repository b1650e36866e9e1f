"""The outlier builders make sane, labelled, reproducible parts that are none of the classes."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.errors import DatasetError
from pointcam_gui.core.synthetic import OTHER_KINDS, generate_other, generate_part
from pointcam_gui.core.synthetic.others import OTHER_BUILDERS, OTHER_SUBTYPES

SEEDS = range(3)


@pytest.fixture(scope="module")
def parts() -> dict[str, list[trimesh.Trimesh]]:
    return {kind: [generate_other(kind, seed, vary=False) for seed in SEEDS]
            for kind in OTHER_KINDS}


def test_kinds_match_the_builders_and_their_subtype_tables() -> None:
    assert tuple(OTHER_BUILDERS) == OTHER_KINDS
    assert set(OTHER_SUBTYPES) == set(OTHER_KINDS)
    assert len(OTHER_KINDS) == len(set(OTHER_KINDS)) == 12


@pytest.mark.parametrize("kind", OTHER_KINDS)
def test_every_kind_builds_closed_millimetre_solids_with_labels(
        kind: str, parts: dict[str, list[trimesh.Trimesh]]) -> None:
    for seed, mesh in zip(SEEDS, parts[kind], strict=True):
        assert np.isfinite(mesh.vertices).all()
        assert mesh.is_watertight, mesh.metadata
        assert mesh.area > 0 and mesh.volume > 0
        assert 1.0 < mesh.extents.max() < 500.0, mesh.metadata
        assert len(mesh.faces) < 30_000
        assert np.allclose(mesh.bounds.mean(axis=0), 0.0, atol=1e-6)
        assert mesh.metadata["kind"] == kind and mesh.metadata["seed"] == seed
        assert mesh.metadata["units"] == "mm" and mesh.metadata["subtype"]


@pytest.mark.parametrize("kind", OTHER_KINDS)
def test_every_subtype_builds_and_is_labelled_apart(kind: str) -> None:
    labels = set()
    for sub in OTHER_SUBTYPES[kind]:
        mesh = OTHER_BUILDERS[kind](np.random.default_rng(5), sub)  # type: ignore[call-arg]
        assert mesh.is_watertight and mesh.volume > 0, (kind, sub)
        labels.add(mesh.metadata["subtype"])
    assert len(labels) == len(OTHER_SUBTYPES[kind]) >= 3


def test_seeds_draw_varied_subtypes() -> None:
    for kind in OTHER_KINDS:
        drawn = {generate_other(kind, seed, vary=False).metadata["subtype"] for seed in range(8)}
        assert len(drawn) >= 2, (kind, drawn)


def test_same_seed_gives_the_same_part_with_variety() -> None:
    for kind in ("gear", "bracket", "spring"):
        a, b = generate_other(kind, 11), generate_other(kind, 11)
        assert a.metadata == b.metadata
        assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.faces, b.faces)


def test_different_seeds_give_different_parts(parts: dict[str, list[trimesh.Trimesh]]) -> None:
    for kind, meshes in parts.items():
        sizes = {tuple(np.round(m.extents, 6)) for m in meshes}
        assert len(sizes) == len(meshes), kind


def test_variety_keeps_the_subtype_and_only_changes_the_look() -> None:
    plain = generate_other("shaft", 3, vary=False)
    varied = generate_other("shaft", 3)
    assert varied.metadata["subtype"] == plain.metadata["subtype"]
    assert "variety" in varied.metadata and "variety" not in plain.metadata


def test_outliers_use_their_own_seed_streams() -> None:
    other = generate_other("gear", 0, vary=False)
    part = generate_part("Hexagonal nuts", 0, vary=False)
    assert other.metadata["kind"] == "gear" and "kind" not in part.metadata


def test_unknown_kind_raises_dataset_error() -> None:
    with pytest.raises(DatasetError, match="Unknown outlier kind"):
        generate_other("sprocket", 0)


def test_round_spacers_are_longer_than_a_washer_is() -> None:
    for seed in range(6):
        build = OTHER_BUILDERS["spacer"]
        mesh = build(np.random.default_rng(seed), "round_spacer")  # type: ignore[call-arg]
        assert mesh.extents[2] >= 1.5 * max(mesh.extents[:2]) * 0.999


def test_machine_screws_end_blunt_not_pointed() -> None:
    for seed in range(6):
        mesh = OTHER_BUILDERS["machine_screw"](np.random.default_rng(seed))
        v = mesh.vertices
        radius = np.linalg.norm(v[:, :2], axis=1)
        low = v[:, 2].min()
        end = radius[v[:, 2] < low + 1e-6].max()
        shank = radius[v[:, 2] < low + 0.25 * mesh.extents[2]].max()
        assert end > 0.5 * shank, seed  # a tapping screw's cone ends near a point
