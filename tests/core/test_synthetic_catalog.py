"""The part catalogue: one deterministic part per (class, seed), varied like real exports."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import synthetic
from pointcam_gui.core.errors import DatasetError
from pointcam_gui.core.synthetic import PART_CLASSES, builders, generate_part
from pointcam_gui.core.synthetic.variety import vary


def _same(a: trimesh.Trimesh, b: trimesh.Trimesh) -> bool:
    return a.vertices.shape == b.vertices.shape and bool(np.array_equal(a.vertices, b.vertices))


def test_every_class_has_a_builder() -> None:
    assert set(builders()) == set(PART_CLASSES)


@pytest.mark.parametrize("name", PART_CLASSES)
def test_every_class_generates_a_usable_labelled_part(name: str) -> None:
    mesh = generate_part(name, 3)
    assert len(mesh.faces) > 0 and np.isfinite(mesh.vertices).all() and mesh.area > 0
    assert mesh.metadata["class_name"] == name and mesh.metadata["seed"] == 3
    assert mesh.metadata["subtype"]


def test_same_class_and_seed_give_the_same_part() -> None:
    for name in ("Elbow fitting", "Hook"):
        assert _same(generate_part(name, 11), generate_part(name, 11))
        assert _same(generate_part(name, 11, vary=False), generate_part(name, 11, vary=False))


def test_distinct_seeds_and_classes_give_distinct_parts() -> None:
    parts = [generate_part("T-shape fitting", s, vary=False) for s in range(4)]
    assert not any(_same(a, b) for i, a in enumerate(parts) for b in parts[i + 1:])
    # The class index is part of the seed: class A seed 0 is not class B seed 0's stream.
    assert not _same(generate_part("Elbow fitting", 0, vary=False), parts[0])


def test_unvaried_parts_stay_in_millimetres_at_the_builders_placement() -> None:
    for name in PART_CLASSES:
        mesh = generate_part(name, 5, vary=False)
        assert mesh.metadata["units"] == "mm"
        assert 1.0 < mesh.extents.max() < 2500.0, name
        # Builders centre their parts; variety (which would move them) was not applied.
        assert np.abs(mesh.bounds.mean(axis=0)).max() < 0.5 * mesh.extents.max(), name


def test_variety_keeps_the_part_and_its_subtype() -> None:
    plain = generate_part("Elbow fitting", 2, vary=False)
    varied = generate_part("Elbow fitting", 2)
    assert varied.metadata["subtype"] == plain.metadata["subtype"]
    assert varied.metadata["units"] in ("mm", "m", "in")


@pytest.mark.parametrize("shape", [trimesh.creation.box((1, 2, 3)),
                                   trimesh.creation.icosahedron(),
                                   trimesh.Trimesh([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]],
                                                   [[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])])
def test_variety_never_empties_or_degenerates_a_mesh(shape: trimesh.Trimesh) -> None:
    for seed in range(150):
        out = vary(shape, np.random.default_rng(seed))
        assert len(out.faces) > 0 and np.isfinite(out.vertices).all() and out.area > 0
        assert np.ptp(out.vertices, axis=0).max() > 0


def test_variety_scales_to_the_unit_it_reports() -> None:
    box = trimesh.creation.box((10.0, 20.0, 30.0))
    scale = {"mm": 1.0, "m": 1e-3, "in": 1 / 25.4}
    seen = set()
    for seed in range(300):
        out = vary(box, np.random.default_rng(seed))
        unit = out.metadata["units"]
        if set(out.metadata["variety"]) <= {"soup", "subdivide"}:  # area-preserving steps
            assert out.area == pytest.approx(box.area * scale[unit] ** 2, rel=1e-6)
            seen.add(unit)
    assert seen == set(scale)


def test_variety_rotates_parts_in_any_direction() -> None:
    rod = trimesh.creation.cylinder(radius=1.0, height=50.0)
    axes = []
    for seed in range(40):
        out = vary(rod, np.random.default_rng(seed))
        extent = np.ptp(out.vertices, axis=0)
        axes.append(int(np.argmax(extent)))
    assert set(axes) == {0, 1, 2}


def test_unknown_class_is_a_dataset_error() -> None:
    with pytest.raises(DatasetError, match="Unknown part class"):
        generate_part("Sprocket", 0)


def test_missing_family_fails_only_its_own_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    real = synthetic.importlib.import_module

    def without_wheels(name: str):
        if name.endswith(".wheels"):
            raise ModuleNotFoundError("No module named 'wheels'")
        return real(name)

    monkeypatch.setattr(synthetic.importlib, "import_module", without_wheels)
    monkeypatch.setattr(synthetic, "_failed", {})
    assert "Wheel" not in builders() and "Hook" in builders()
    with pytest.raises(DatasetError, match=r"synthetic\.wheels"):
        generate_part("Wheel", 0)
    assert len(generate_part("Hook", 0).faces) > 0
