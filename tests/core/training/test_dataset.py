"""Folder-per-class datasets: what counts as a class and a part, what is refused and written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trimesh

from pointcam_gui.core import synthetic
from pointcam_gui.core.errors import DatasetError
from pointcam_gui.core.training import dataset as ds
from pointcam_gui.core.training import generation as gen


def make_dataset(root: Path, classes: dict[str, int]) -> Path:
    for i, (name, count) in enumerate(classes.items()):
        (root / name).mkdir(parents=True)
        for k in range(count):
            trimesh.creation.box((1 + i, 1 + k, 1)).export(root / name / f"{name}_{k}.stl")
    return root


def test_class_names_are_sorted_folder_names_and_only_meshes_count(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d", {"wheel": 2, "Hook": 1, "bolt": 3})
    (root / "wheel" / "notes.txt").write_text("not a mesh")
    (root / ".cache").mkdir()
    data = ds.scan_dataset(root)
    assert data.class_names == ("Hook", "bolt", "wheel")
    assert data.counts() == {"Hook": 1, "bolt": 3, "wheel": 2}
    assert all(p.suffix == ".stl" for p in data.files)
    assert data.manifest is None


def test_manifest_gives_class_names_and_order(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d", {"wheel": 1, "hook": 1})
    (root / "manifest.json").write_text(json.dumps({"classes": [
        {"name": "Wheel", "folder": "wheel"}, {"name": "Hook", "folder": "hook"}], "seed": 7}))
    data = ds.scan_dataset(root)
    assert data.class_names == ("Wheel", "Hook")
    assert data.labels == (0, 1)
    assert data.summary()["seed"] == 7


@pytest.mark.parametrize(("layout", "message"), [
    ({"wheel": 2, "hook": 0}, "no mesh files"),
    ({"wheel": 2}, "only one class"),
    ({}, "no class folders"),
])
def test_unusable_datasets_are_refused_with_one_line(tmp_path: Path, layout: dict[str, int],
                                                     message: str) -> None:
    root = make_dataset(tmp_path / "d", layout)
    root.mkdir(exist_ok=True)
    with pytest.raises(DatasetError, match=message) as info:
        ds.scan_dataset(root)
    assert "\n" not in str(info.value)


def test_missing_folder_and_broken_manifest_are_dataset_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        ds.scan_dataset(tmp_path / "nowhere")
    root = make_dataset(tmp_path / "d", {"a": 1, "b": 1})
    (root / "manifest.json").write_text("{not json")
    with pytest.raises(DatasetError, match="manifest"):
        ds.scan_dataset(root)


def test_unreadable_parts_are_skipped_and_reported(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d", {"a": 2, "b": 1})
    (root / "b" / "broken.stl").write_bytes(b"garbage")
    data = ds.scan_dataset(root)
    skipped: list[ds.Skipped] = []
    labels = [label for label, _, _ in ds.iter_meshes(data, skipped)]
    assert labels == [0, 0, 1]
    assert [s.path.name for s in skipped] == ["broken.stl"]
    ds.check_readable(data, labels)


def test_a_class_with_no_readable_part_or_no_parts_at_all_is_an_error(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d", {"a": 1})
    (root / "b").mkdir()
    (root / "b" / "broken.ply").write_bytes(b"garbage")
    data = ds.scan_dataset(root)
    with pytest.raises(DatasetError, match="no readable parts in class 'b'"):
        ds.check_readable(data, [0])
    with pytest.raises(DatasetError, match="none of the 2 parts"):
        ds.check_readable(data, [])


def test_classes_resolve_by_name_slug_or_unique_prefix() -> None:
    assert gen.resolve_classes(["hook", "WHEEL", "radial", "t_fitting", "Hook", "washer"]) == [
        "Hook", "Wheel", "Radial contact ball bearings", "T-shape fitting", "Thrust washers"]
    with pytest.raises(DatasetError, match="several"):
        gen.resolve_classes(["t"])
    with pytest.raises(DatasetError, match="several"):
        gen.resolve_classes(["fitting"])
    with pytest.raises(DatasetError, match="not a class"):
        gen.resolve_classes(["gearbox"])


def _fake_part(class_name: str, seed: int, *, vary: bool = True) -> trimesh.Trimesh:
    if seed % 5 == 0 and class_name == "Wheel":
        raise RuntimeError("generator bug")
    mesh = trimesh.creation.cylinder(1 + seed % 7, 1)
    mesh.metadata["subtype"] = "thin" if seed % 2 else "thick"
    return mesh


def test_generated_dataset_has_slug_folders_and_a_manifest(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthetic, "generate_part", _fake_part)
    report = gen.generate_dataset(tmp_path / "g", 3, seed=4, classes=["Hook", "Wheel"], workers=1)
    m = json.loads((tmp_path / "g" / "manifest.json").read_text())
    assert [c["folder"] for c in m["classes"]] == ["hook", "wheel"]
    assert m["seed"] == 4 and m["per_class"] == 3
    assert m["generator"]["version"] == synthetic.GENERATOR_VERSION
    failed = [p for p in range(3) if gen.part_seed(4, "Wheel", p) % 5 == 0]
    assert [c["count"] for c in m["classes"]] == [3, 3 - len(failed)]
    assert len(report.failures) == len(failed)
    assert sum(m["classes"][0]["subtypes"].values()) == 3
    for part in m["parts"]:
        assert (tmp_path / "g" / part["file"]).is_file()
        assert str(part["seed"]) in part["file"]
    assert ds.scan_dataset(tmp_path / "g").class_names == ("Hook", "Wheel")


def test_generating_into_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "keep.txt").write_text("mine")
    with pytest.raises(DatasetError, match="not empty"):
        gen.generate_dataset(tmp_path / "g", 1, seed=0, workers=1)


def test_part_seeds_depend_on_dataset_seed_class_and_index_only() -> None:
    seeds = {gen.part_seed(s, c, i) for s in (0, 1) for c in ("Hook", "Wheel") for i in range(50)}
    assert len(seeds) == 200
    assert gen.part_seed(3, "Hook", 9) == gen.part_seed(3, "Hook", 9)


def test_parallel_generation_writes_the_same_parts_as_serial(tmp_path: Path) -> None:
    classes = ["Thrust washers", "Hexagonal nuts"]
    steps: list[tuple[int, int]] = []
    gen.generate_dataset(tmp_path / "p", 2, seed=1, classes=classes, workers=2,
                        progress=lambda d, t: steps.append((d, t)))
    gen.generate_dataset(tmp_path / "s", 2, seed=1, classes=classes, workers=1)
    assert steps[-1] == (4, 4)
    parallel, serial = ds.scan_dataset(tmp_path / "p"), ds.scan_dataset(tmp_path / "s")
    assert [p.name for p in parallel.files] == [p.name for p in serial.files]
    for a, b in zip(parallel.files, serial.files, strict=True):
        assert a.read_bytes() == b.read_bytes()
    skipped: list[ds.Skipped] = []
    assert len(list(ds.iter_meshes(parallel, skipped))) == 4 and not skipped


def test_interrupted_generation_leaves_nothing_behind_and_can_be_rerun(tmp_path: Path) -> None:
    out = tmp_path / "parts"

    def interrupt(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        gen.generate_dataset(out, per_class=2, seed=0, classes=["Hook", "Wheel"], workers=1,
                         progress=interrupt)
    assert not out.exists()
    report = gen.generate_dataset(out, per_class=1, seed=0, classes=["Hook", "Wheel"], workers=1)
    assert (out / "manifest.json").is_file() and not report.failures
