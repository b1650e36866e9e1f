"""The `pointcam` command: output, JSON, exit codes, one-line errors, and its real entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import trimesh

from pointcam_gui.cli import main
from tests.malformed import malformed_corpus
from tests.models import TINY_CLASSES


@pytest.fixture
def part(tmp_path: Path) -> Path:
    path = tmp_path / "washer.stl"
    trimesh.creation.annulus(r_min=4, r_max=9, height=2).export(path)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits (--help, bad arguments)
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_prints_prediction_top5_device_and_timings(part: Path, tiny_weights: Path,
                                                           capsys) -> None:
    code, out, err = run(["explain", str(part), "--weights", str(tiny_weights),
                          "--device", "cpu"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("washer.stl: ") and lines[0].endswith("%)")
    assert sum(1 for line in lines if line.startswith("  ") and "%" in line) == 4  # 4 classes < 5
    assert "device cpu" in out and "total" in out and "ms" in out


def test_explain_json_has_the_documented_fields(part: Path, tiny_weights: Path, capsys) -> None:
    code, out, _ = run(["explain", str(part), "--weights", str(tiny_weights), "--json",
                        "--target", "gamma", "--points", "64", "--seed", "2"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["file"] == str(part)
    assert set(data["predicted"]) == {"index", "name", "probability"}
    assert list(data["probabilities"]) == list(TINY_CLASSES)
    assert sum(data["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
    assert data["target"] == {"index": 3, "name": "Gamma"}
    assert data["num_points"] == 64 and data["device"] in ("cpu", "cuda:0")
    assert data["views"] >= 2  # the stable analysis: several samplings of the washer's frames
    assert data["novelty"] is None and data["unfamiliar"] is False  # no method in these weights
    assert data["model"] == tiny_weights.name  # "shipped" without --weights
    # without a picture nothing paints the part: no weld, no display mesh, no heat map
    assert {"load", "sample", "forward", "explain", "total"} <= set(data["timings_ms"])
    assert not {"refine", "heatmap"} & set(data["timings_ms"])


def test_explain_gives_the_same_answer_with_and_without_a_picture(
        part: Path, tiny_weights: Path, tmp_path: Path, capsys) -> None:
    args = ["explain", str(part), "--weights", str(tiny_weights), "--json"]
    code, out, _ = run(args, capsys)
    plain = json.loads(out)
    code, out, _ = run([*args, "--export-mesh", str(tmp_path / "heat.ply")], capsys)
    pictured = json.loads(out)
    assert code == 0 and (tmp_path / "heat.ply").is_file()
    for key in ("predicted", "probabilities", "novelty", "views"):
        assert pictured[key] == plain[key]
    assert {"refine", "heatmap"} <= set(pictured["timings_ms"])  # the picture paid for them


def test_explain_takes_a_method_and_a_contrast(part: Path, tiny_weights: Path, capsys) -> None:
    code, out, err = run(["explain", str(part), "--weights", str(tiny_weights), "--json",
                          "--method", "occlusion", "--target", "alpha", "--contrast", "gamma"],
                         capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["method"] == {"name": "occlusion", "parameters": {"patches": 32,
                                                                  "baseline": "centroid"}}
    assert data["contrast"] == {"index": 3, "name": "Gamma"}
    assert "faithfulness" not in data
    code, out, _ = run(["explain", str(part), "--weights", str(tiny_weights),
                        "--method", "xgradcam", "--contrast", "gamma"], capsys)
    assert code == 0 and "XGrad-CAM: " in out and " rather than Gamma" in out
    data = json.loads(run(["explain", str(part), "--weights", str(tiny_weights), "--json",
                           "--faithfulness"], capsys)[1])
    assert data["method"]["name"] == "gradcam" and data["contrast"] is None
    faithful = data["faithfulness"]
    assert faithful["target"] == data["predicted"]["index"] and len(faithful["deletion"]) == 11
    assert faithful["score"] == faithful["deletion_gap"] and "faithfulness" in data["timings_ms"]
    code, out, _ = run(["explain", str(part), "--weights", str(tiny_weights), "--faithfulness"],
                       capsys)
    assert code == 0 and "faithfulness " in out and "random points" in out


@pytest.mark.parametrize("argv, message", [
    (["--method", "magic"], "unknown method 'magic': choose one of cam, gradcam"),
    (["--contrast", "delta"], "unknown class 'delta'"),
])
def test_a_wrong_method_or_contrast_is_one_line(part: Path, tiny_weights: Path, capsys,
                                                argv: list[str], message: str) -> None:
    code, out, err = run(["explain", str(part), "--weights", str(tiny_weights), *argv], capsys)
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_methods_lists_every_method_by_group(capsys) -> None:
    from pointcam_gui.core.explain import CATALOGUE as METHODS

    code, out, _ = run(["methods", "--json"], capsys)
    listed = json.loads(out)
    assert code == 0 and [m["name"] for m in listed] == list(METHODS)
    assert all(m["description"] and m["reference"] and m["group"] for m in listed)
    code, out, _ = run(["methods"], capsys)
    assert code == 0 and out.startswith("activation maps:\n") and "perturbation:" in out
    assert all(f"  {name} " in out for name in METHODS)


def test_an_unfamiliar_part_is_said_to_be_so_in_text_and_json(part: Path, tiny_weights: Path,
                                                               tmp_path: Path, capsys) -> None:
    from dataclasses import replace

    from pointcam_gui.core.checkpoint import load_checkpoint, save_checkpoint

    model, meta = load_checkpoint(tiny_weights)
    flagging = save_checkpoint(tmp_path / "flags.safetensors", model,
                               replace(meta, novelty={"method": "msp", "threshold": 0.0}))
    code, out, _ = run(["explain", str(part), "--weights", str(flagging)], capsys)
    assert code == 0
    assert out.splitlines()[1].startswith("Unfamiliar: this part does not look like any of the "
                                          "4 classes")
    assert "novelty 0." in out.splitlines()[-1]
    code, out, _ = run(["explain", str(part), "--weights", str(flagging), "--json"], capsys)
    data = json.loads(out)
    assert data["unfamiliar"] is True and 0 < data["novelty"] < 1


def test_classes_lists_the_model_classes_in_order(tiny_weights: Path, capsys) -> None:
    code, out, _ = run(["classes", "--weights", str(tiny_weights)], capsys)
    assert code == 0
    assert [line.split(None, 1)[1] for line in out.splitlines()] == list(TINY_CLASSES)


@pytest.mark.parametrize(("argv", "fragment"), [
    (["explain", "{part}", "--target", "beta"], "ambiguous"),
    (["explain", "{part}", "--target", "17"], "out of range"),
    (["explain", "{part}", "--device", "tpu"], "invalid choice"),
    (["explain", "{part}", "--points", "5"], "at least 32"),
    (["explain", "{part}", "--colormap", "rainbow"], "unknown colormap"),
    (["explain", "{part}", "--weights", "{missing}"], "not found"),
    (["explain", "{part}", "--export-mesh", "{out}.docx"], "docx"),
    (["explain"], "required"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_exactly_one_line(argv: list[str], fragment: str, part: Path,
                                                    tiny_weights: Path, tmp_path: Path,
                                                    capsys) -> None:
    args = [a.format(part=part, missing=tmp_path / "nope.safetensors", out=tmp_path / "x")
            for a in argv]
    if args[0] == "explain" and "--weights" not in args and len(args) > 1:
        args += ["--weights", str(tiny_weights)]
    code, _, err = run(args, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert fragment in err and "Traceback" not in err


def test_every_malformed_file_exits_2_with_one_line_naming_it(tmp_path: Path, tiny_weights: Path,
                                                              capsys) -> None:
    corpus = malformed_corpus(tmp_path)
    assert len(corpus) >= 25
    for case_id, path in corpus:
        code, out, err = run(["explain", str(path), "--weights", str(tiny_weights)], capsys)
        assert code == 2, f"{case_id}: exit {code}: {err}"
        assert len(err.strip().splitlines()) == 1, f"{case_id}: {err}"
        assert path.name in err and "Traceback" not in err, f"{case_id}: {err}"
        assert out == ""


def test_unexpected_errors_exit_1_with_traceback_only_when_verbose(part: Path, tiny_weights: Path,
                                                                   monkeypatch, capsys) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("pointcam_gui.core.classifier.Classifier.analyse", boom)
    argv = ["explain", str(part), "--weights", str(tiny_weights)]
    code, _, err = run(argv, capsys)
    assert code == 1 and "kaboom" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(["-v", *argv], capsys)
    assert code == 1 and "Traceback" in err


def test_installed_console_script_runs_end_to_end(part: Path, tiny_weights: Path) -> None:
    exe = shutil.which("pointcam", path=str(Path(sys.executable).parent))
    assert exe, "the pointcam console script is not installed next to this Python"
    ok = subprocess.run([exe, "explain", str(part), "--weights", str(tiny_weights), "--json"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["num_points"] == 128
    bad = subprocess.run([exe, "explain", str(part.with_name("absent.stl"))],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "absent.stl" in bad.stderr
