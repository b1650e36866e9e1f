"""`pointcam batch`: rows for every part, a report, resume, one-line errors, the Ray engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import trimesh

from pointcam_gui.core.batch.output import partial_path, read_rows
from tests.test_cli import run


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset-like folder: two classes of the tiny model, a bad file and a stray file."""
    root = tmp_path / "parts"
    for cls, shapes in {"Gamma": [trimesh.creation.box(extents=(9, 4, 2)),
                                  trimesh.creation.icosphere(subdivisions=2)],
                        "Alpha part": [trimesh.creation.cylinder(radius=2, height=9)]}.items():
        (root / cls).mkdir(parents=True)
        for i, mesh in enumerate(shapes):
            mesh.export(root / cls / f"p{i}.stl")
    (root / "Gamma" / "bad.obj").write_text("<html>not a part</html>")
    (root / "readme.txt").write_text("hello")
    return root


def _no_timings(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps({k: v for k, v in r.items() if k != "timings_ms"}) for r in rows)


def test_batch_writes_a_row_per_part_and_a_report(folder: Path, tiny_weights: Path, capsys,
                                                   tmp_path: Path) -> None:
    out, report = tmp_path / "results.jsonl", tmp_path / "report.html"
    code, stdout, err = run(["batch", str(folder), "--out", str(out), "--report", str(report),
                             "--weights", str(tiny_weights), "--workers", "1"], capsys)
    assert code == 0, err
    rows = read_rows(out)
    assert len(rows) == 4 and [r["file"] for r in rows] == sorted(r["file"] for r in rows)
    bad = [r for r in rows if r["error"]]
    assert len(bad) == 1 and bad[0]["error"].startswith("bad.obj: ")
    assert "4 parts analysed" in stdout and "1 other files ignored" in stdout
    assert "1 could not be analysed" in stdout
    assert not partial_path(out).exists()
    html = report.read_text()
    assert html.count("data:image/jpeg;base64,") == 3  # a picture of every readable part
    assert "Confusion matrix" in html
    assert err == ""  # nothing on stderr when it is not a terminal


def test_an_existing_output_is_never_overwritten_without_resume(folder: Path, tiny_weights: Path,
                                                                 capsys, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    out.write_text("precious")
    code, _, err = run(["batch", str(folder), "--out", str(out), "--weights", str(tiny_weights)],
                       capsys)
    assert code == 2 and err.count("\n") == 1 and "--resume" in err
    assert out.read_text() == "precious"
    report = tmp_path / "report.html"
    report.write_text("also precious")
    code, _, err = run(["batch", str(folder), "--out", str(tmp_path / "new.jsonl"), "--report",
                        str(report), "--weights", str(tiny_weights)], capsys)
    assert code == 2 and "report.html exists" in err and report.read_text() == "also precious"


def test_resume_analyses_only_new_parts_and_keeps_the_interrupted_runs_rows(
    folder: Path, tiny_weights: Path, capsys, tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    argv = ["batch", str(folder), "--out", str(out), "--weights", str(tiny_weights),
            "--workers", "1"]
    assert run(argv, capsys)[0] == 0
    first = read_rows(out)
    # an interrupted second run left one finished row behind; a new part arrived meanwhile
    out.unlink()
    partial_path(out).write_text("".join(json.dumps(r) + "\n" for r in first[:2]))
    trimesh.creation.torus(5, 1).export(folder / "Gamma" / "new.stl")
    code, stdout, _ = run([*argv, "--resume"], capsys)
    assert code == 0
    assert "3 parts analysed" in stdout and "2 already done" in stdout
    rows = read_rows(out)
    assert len(rows) == 5 and not partial_path(out).exists()
    assert _no_timings([r for r in rows if "new.stl" not in r["file"]]) == _no_timings(first)


@pytest.mark.parametrize(("extra", "fragment"), [
    (["--out", "r.txt"], "use .jsonl, .csv, .parquet"),
    (["--out", "missing/r.jsonl"], "does not exist"),
    (["--out", "r.jsonl", "--report", "r.pdf"], "use .html"),
    (["--out", "r.jsonl", "--report", "missing/r.html"], "does not exist"),
    (["--out", "r.jsonl", "--workers", "0"], "whole number >= 1"),
    (["--out", "r.jsonl", "--method", "nope"], "unknown"),
    (["--out", "r.jsonl", "--address", "ray://x:1"], "--address is for --engine ray"),
])
def test_bad_batch_arguments_exit_2_with_one_line(folder: Path, tiny_weights: Path, capsys,
                                                  tmp_path: Path, monkeypatch, extra: list[str],
                                                  fragment: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["batch", str(folder), "--weights", str(tiny_weights), *extra], capsys)
    assert code == 2 and err.count("\n") == 1 and fragment in err, err


def test_a_folder_without_parts_is_one_line(tmp_path: Path, tiny_weights: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "r.jsonl"),
                        "--weights", str(tiny_weights)], capsys)
    assert code == 2 and "no part files found" in err


def test_the_ray_engine_gives_the_local_rows(folder: Path, tiny_weights: Path, capsys,
                                             tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        local, remote = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
        common = ["--weights", str(tiny_weights)]
        assert run(["batch", str(folder), "--out", str(local), "--workers", "1", *common],
                   capsys)[0] == 0
        code, _, err = run(["batch", str(folder), "--out", str(remote), "--engine", "ray",
                            *common], capsys)
        assert code == 0, err
    finally:
        ray.shutdown()
    assert _no_timings(read_rows(remote)) == _no_timings(read_rows(local))


def test_a_missing_gpu_is_one_line_and_leaves_no_file(folder: Path, tiny_weights: Path, capsys,
                                                      tmp_path: Path, monkeypatch) -> None:
    from pointcam_gui.core import device

    monkeypatch.setattr(device, "cuda_available", lambda: False)
    out = tmp_path / "rows.jsonl"
    code, _, err = run(["batch", str(folder), "--out", str(out), "--device", "cuda",
                        "--weights", str(tiny_weights)], capsys)
    assert code == 2 and "CUDA" in err and err.count("\n") == 1
    assert not list(tmp_path.glob("rows*"))


def test_ctrl_c_keeps_the_finished_rows_for_resume(folder: Path, tiny_weights: Path, capsys,
                                                   tmp_path: Path, monkeypatch) -> None:
    from pointcam_gui.core import batch

    real = batch.analyse_many

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        results = real(*args, **kwargs)
        yield next(results)
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "analyse_many", interrupted)
    out = tmp_path / "rows.jsonl"
    code, _, err = run(["batch", str(folder), "--out", str(out), "--workers", "1",
                        "--weights", str(tiny_weights)], capsys)
    assert code == 130 and err.count("\n") == 1 and "--resume" in err
    assert not out.exists() and len(read_rows(partial_path(out))) == 1
