"""Many parts: finding them, one row per part (bad files included), engines that agree."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import Classifier, load_mesh
from pointcam_gui.core.batch import BatchSettings, analyse_file, analyse_many, find_parts
from pointcam_gui.core.batch.output import (
    flatten,
    partial_path,
    read_rows,
    unflatten,
    write_rows,
)
from pointcam_gui.core.batch.report import build_report, expected_class
from tests.models import TINY_CLASSES


def _parts(folder: Path) -> dict[str, Path]:
    """Three small parts in two folders, a bad file and a file of another kind."""
    (folder / "a").mkdir(parents=True)
    (folder / "b" / "deeper").mkdir(parents=True)
    shapes = {"a/box.stl": trimesh.creation.box(extents=(20, 10, 5)),
              "b/pin.stl": trimesh.creation.cylinder(radius=3, height=30, sections=24),
              "b/deeper/ring.obj": trimesh.creation.annulus(r_min=5, r_max=9, height=2)}
    paths = {}
    for name, mesh in shapes.items():
        mesh.export(folder / name)
        paths[name] = folder / name
    (folder / "b" / "broken.stl").write_bytes(b"solid x\nfacet normal 0 0 1\nnonsense\n")
    (folder / "b" / "notes.txt").write_text("not a part")
    paths["b/broken.stl"] = folder / "b" / "broken.stl"
    return paths


def _without_timings(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps({k: v for k, v in r.items() if k != "timings_ms"}) for r in rows)


def test_folders_are_walked_sorted_other_files_counted_and_repeats_dropped(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    files, ignored = find_parts([tmp_path, parts["a/box.stl"]])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a/box.stl", "b/broken.stl", "b/deeper/ring.obj", "b/pin.stl"]
    assert ignored == 1  # notes.txt
    named, _ = find_parts([tmp_path / "b" / "notes.txt"])  # named: its row will say why
    assert named == [(tmp_path / "b" / "notes.txt").resolve()]
    with pytest.raises(Exception, match="nowhere: not found"):
        find_parts([tmp_path / "nowhere"])


def test_a_row_has_the_verdict_of_analyse_and_a_bad_file_is_a_row_with_its_reason(
    tmp_path: Path, tiny_weights: Path
) -> None:
    parts = _parts(tmp_path)
    clf = Classifier.load(tiny_weights, device="cpu")
    settings = BatchSettings.of(clf)
    row, picture = analyse_file(parts["b/pin.stl"], settings, classifier=clf)
    analysis = clf.analyse(load_mesh(parts["b/pin.stl"]))
    assert picture is None and row["error"] is None
    assert row["predicted"]["name"] == analysis.predicted_name
    assert list(row["probabilities"].values()) == pytest.approx(
        [float(p) for p in analysis.probabilities], abs=1e-6)
    assert row["faces"] == len(load_mesh(parts["b/pin.stl"]).faces)
    assert row["bounding_box"]["max"] == pytest.approx([3, 3, 15], abs=1e-3)
    assert len(row["sha256"]) == 64 and set(row["timings_ms"]) == {"load", "sample", "analyse"}
    bad, _ = analyse_file(parts["b/broken.stl"], settings, classifier=clf)
    assert bad["error"].startswith("broken.stl: ") and "\n" not in bad["error"]
    assert bad["predicted"] is None and bad["sha256"] is not None


def test_a_part_sent_as_bytes_gives_the_row_of_the_file(tmp_path: Path, tiny_weights: Path
                                                        ) -> None:
    parts = _parts(tmp_path)
    clf = Classifier.load(tiny_weights, device="cpu")
    settings = BatchSettings.of(clf)
    here, _ = analyse_file(parts["a/box.stl"], settings, classifier=clf)
    data = parts["a/box.stl"].read_bytes()
    remote, _ = analyse_file("/elsewhere/a/box.stl", settings, data=data, classifier=clf)
    assert _without_timings([here])[0].replace(str(parts["a/box.stl"]), "X") == \
        _without_timings([remote])[0].replace("/elsewhere/a/box.stl", "X")


def _dies_on_doomed(analysis: Any) -> bytes:
    """A thumbnailer that kills its worker process on one part, as a native crash would."""
    if "doomed" in str(analysis.source):
        os._exit(3)
    return b"picture"


def test_worker_processes_give_the_same_rows_and_a_dying_worker_costs_only_its_part(
    tmp_path: Path, tiny_weights: Path
) -> None:
    parts = _parts(tmp_path)
    doomed = tmp_path / "b" / "doomed.stl"
    doomed.write_bytes(parts["a/box.stl"].read_bytes())
    files, _ = find_parts([tmp_path])
    here = [r for r, _ in analyse_many(files, BatchSettings(weights=str(tiny_weights)))]
    settings = BatchSettings(weights=str(tiny_weights), thumbnail=_dies_on_doomed)
    results = list(analyse_many(files, settings, workers=2))
    rows = {Path(r["file"]).name: (r, picture) for r, picture in results}
    assert len(rows) == len(files)
    assert "worker process analysing it died" in rows["doomed.stl"][0]["error"]
    assert rows["box.stl"][1] == b"picture" and rows["box.stl"][0]["error"] is None
    others = [r for r, _ in results if Path(r["file"]).name != "doomed.stl"]
    assert _without_timings(others) == _without_timings(
        [r for r in here if Path(r["file"]).name != "doomed.stl"])
    # the verdict alone: workers only read and sample, this process runs the model
    quick = [r for r, _ in analyse_many(files, BatchSettings(weights=str(tiny_weights)),
                                        workers=2)]
    assert _without_timings(quick) == _without_timings(here)


def test_analyse_many_on_the_classifier_yields_rows(tmp_path: Path, tiny_weights: Path) -> None:
    _parts(tmp_path)
    clf = Classifier.load(tiny_weights, device="cpu")
    rows = list(clf.analyse_many([tmp_path]))
    assert len(rows) == 4 and sum(r["error"] is not None for r in rows) == 1


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_rows_survive_every_output_format(tmp_path: Path, tiny_weights: Path, suffix: str
                                          ) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    _parts(tmp_path / "parts")
    rows = list(Classifier.load(tiny_weights, device="cpu").analyse_many([tmp_path / "parts"]))
    out = write_rows(tmp_path / f"results{suffix}", reversed(rows))
    back = read_rows(out)
    assert [r["file"] for r in back] == sorted(r["file"] for r in rows)  # sorted by file
    assert _without_timings(back) == _without_timings(rows)
    assert [unflatten(flatten(r)) for r in rows] == rows


def test_a_torn_last_line_of_a_partial_file_is_skipped(tmp_path: Path) -> None:
    partial = partial_path(tmp_path / "results.csv")
    assert partial.name == "results.csv.partial.jsonl"
    partial.write_text('{"file": "a.stl", "sha256": "x", "error": null}\n{"file": "b.s')
    assert [r["file"] for r in read_rows(partial)] == ["a.stl"]


def _row(file: str, name: str | None, probability: float = 0.9, unfamiliar: bool = False,
         error: str | None = None) -> dict[str, Any]:
    return {"file": file, "sha256": file, "faces": 12, "bounding_box": None,
            "predicted": None if name is None else {"index": TINY_CLASSES.index(name),
                                                    "name": name, "probability": probability},
            "probabilities": None, "novelty": 1.5, "unfamiliar": unfamiliar,
            "timings_ms": {}, "error": error}


def test_the_report_has_every_part_a_picture_and_a_confusion_matrix_for_dataset_folders(
) -> None:
    rows = [_row("/d/Alpha part/1.stl", "Alpha part"), _row("/d/Alpha part/2.stl", "Gamma"),
            _row("/d/Gamma/3.stl", "Gamma", unfamiliar=True),
            _row("/d/Gamma/4.stl", None, error="4.stl: corrupt <file>")]
    html = build_report(rows, {"/d/Alpha part/1.stl": b"\xff\xd8jpeg"}, TINY_CLASSES)
    assert html.count("<tr data-cls=") == 3 and html.count("class='error'") == 1
    assert "4.stl: corrupt &lt;file&gt;" in html  # escaped
    assert html.count("data:image/jpeg;base64,") == 1
    assert "Confusion matrix" in html and "2 of 3 parts named right" in html
    assert "<span class='tag'>unfamiliar</span>" in html
    flat = build_report([_row("/x/1.stl", "Gamma")], {}, TINY_CLASSES)
    assert "Confusion matrix" not in flat  # folders not named like classes


def test_folders_named_by_class_or_slug_give_the_expected_class() -> None:
    from pointcam_gui.core.classes import PART_CLASSES

    assert expected_class("/data/hook/x.stl", PART_CLASSES) == "Hook"
    assert expected_class("/data/Radial contact ball bearings/x.stl", PART_CLASSES) == \
        "Radial contact ball bearings"
    assert expected_class("/data/misc/x.stl", PART_CLASSES) is None


def test_batch_rows_match_between_classify_and_analyse(tmp_path: Path, tiny_weights: Path
                                                       ) -> None:
    _parts(tmp_path)
    clf = Classifier.load(tiny_weights, device="cpu")
    quick = list(clf.analyse_many([tmp_path]))
    full = list(clf.analyse_many([tmp_path], maps=True))
    assert _without_timings(quick) == _without_timings(full)
    assert np.isfinite([r["novelty"] or 0.0 for r in quick]).all()


def test_only_whole_part_workers_need_a_classifier_loaded_from_a_file(tmp_path: Path) -> None:
    from pointcam_gui.core.checkpoint import ModelMetadata
    from pointcam_gui.core.errors import PointCAMError
    from tests.models import tiny_model

    model = tiny_model()
    clf = Classifier(model, ModelMetadata(class_names=TINY_CLASSES, num_points=128,
                                          architecture=model.config.to_dict()))
    _parts(tmp_path)
    here = list(clf.analyse_many([tmp_path]))
    assert len(here) == 4  # in this process: fine
    # workers that only read and sample need no copy of the model
    assert _without_timings(list(clf.analyse_many([tmp_path], workers=2))) == \
        _without_timings(here)
    with pytest.raises(PointCAMError, match="not loaded from a file"):
        next(clf.analyse_many([tmp_path], workers=2, maps=True))
