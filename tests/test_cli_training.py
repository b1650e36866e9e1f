"""`pointcam dataset generate`, `train` and `evaluate` end to end on a tiny dataset, as in CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trimesh

from pointcam_gui.cli import main
from pointcam_gui.core.checkpoint import read_metadata
from pointcam_gui.core.training.train import TrainConfig

TINY_NET = ["--points", "64", "--batch-size", "4", "--widths", "8,16", "--head", "8",
            "--device", "cpu", "--threads", "1"]


def test_generate_train_evaluate_end_to_end(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data, weights = tmp_path / "data", tmp_path / "w.safetensors"
    assert main(["dataset", "generate", str(data), "--per-class", "4", "--seed", "3",
                 "--classes", "nut", "thrust_washer", "--workers", "1"]) == 0
    assert "wrote 8 parts of 2 classes" in capsys.readouterr().out
    assert main(["train", str(data), "--out", str(weights), "--epochs", "1", *TINY_NET]) == 0
    out = capsys.readouterr().out
    assert f"log: {tmp_path / 'w_log.csv'}" in out and f"curves: {tmp_path / 'w_curves.png'}" in out
    meta = read_metadata(weights)
    assert meta.class_names == ("Hexagonal nuts", "Thrust washers")
    assert meta.provenance["command"].startswith(f"pointcam train {data} --out {weights}")
    assert meta.provenance["dataset"]["seed"] == 3
    tuned = tmp_path / "tuned.safetensors"  # fine-tuning records no widths: the init's win
    assert main(["train", str(data), "--out", str(tuned), "--epochs", "1", "--init", str(weights),
                 "--points", "64", "--device", "cpu", "--threads", "1"]) == 0
    capsys.readouterr()
    tuned_meta = read_metadata(tuned)
    assert tuned_meta.architecture["widths"] == [8, 16]
    assert "--widths" not in tuned_meta.provenance["command"]
    assert f"--init {weights}" in tuned_meta.provenance["command"]
    taught = tmp_path / "taught.safetensors"  # distilled from the first model
    assert main(["train", str(data), "--out", str(taught), "--epochs", "1", "--teacher",
                 str(weights), "--teacher-weight", "0.7", *TINY_NET]) == 0
    capsys.readouterr()
    taught_meta = read_metadata(taught)
    assert taught_meta.provenance["teacher"]["weights"] == "w.safetensors"
    assert f"--teacher {weights} --teacher-weight 0.7" in taught_meta.provenance["command"]
    assert main(["train", str(data), "--out", str(tmp_path / "no.safetensors"), "--teacher",
                 str(tmp_path / "missing.safetensors"), *TINY_NET]) == 2
    assert "missing.safetensors" in capsys.readouterr().err
    png = tmp_path / "confusion.png"
    assert main(["evaluate", str(data), "--weights", str(weights), "--device", "cpu", "--json",
                 "--confusion-png", str(png)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["class_names"] == ["Hexagonal nuts", "Thrust washers"]
    assert report["num_parts"] == 8 and sum(map(sum, report["confusion"])) == 8
    assert set(report["per_class"]) <= set(report["class_names"])
    assert 0.0 <= report["accuracy"] <= 1.0 and png.is_file()


def _folders(root: Path, counts: dict[str, int], content: bytes | None = None) -> Path:
    for name, n in counts.items():
        (root / name).mkdir(parents=True)
        for k in range(n):
            path = root / name / f"{name}{k}.stl"
            if content is None:
                trimesh.creation.box((1, 1 + k, 2)).export(path)
            else:
                path.write_bytes(content)
    return root


@pytest.mark.parametrize(("command", "counts", "content", "words"), [
    ("train", {"hook": 2, "wheel": 0}, None, "no mesh files"),
    ("train", {"hook": 3}, None, "only one class"),
    ("train", {"hook": 2, "wheel": 2}, b"garbage", "none of the 4 parts"),
    ("evaluate", {"hook": 2, "wheel": 0}, None, "no mesh files"),
    ("evaluate", {"hook": 2, "wheel": 2}, b"garbage", "none of the 4 parts"),
])
def test_bad_datasets_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           command: str, counts: dict[str, int],
                                           content: bytes | None, words: str) -> None:
    data = _folders(tmp_path / "data", counts, content)
    args = (["train", str(data), "--out", str(tmp_path / "w.safetensors"), *TINY_NET]
            if command == "train" else ["evaluate", str(data), "--device", "cpu"])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_unknown_class_and_missing_folder_exit_2(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dataset", "generate", str(tmp_path / "g"), "--per-class", "1",
                 "--classes", "gearbox"]) == 2
    assert main(["train", str(tmp_path / "nowhere"), "--out", str(tmp_path / "w")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "gearbox" in lines[0] and "not found" in lines[1]


def test_train_help_states_the_real_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    c = TrainConfig()
    for value in (c.epochs, c.points, c.batch_size, c.lr, c.val_fraction, c.device, c.normalization,
                  ",".join(map(str, c.widths)), ",".join(map(str, c.head))):
        assert f"(default {value})" in text


def test_outlier_exposure_and_calibration_end_to_end(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """generate-others -> train --outliers -> calibrate -> explain shows the novelty."""
    data, others = tmp_path / "data", tmp_path / "others"
    weights, calibrated = tmp_path / "w.safetensors", tmp_path / "c.safetensors"
    assert main(["dataset", "generate", str(data), "--per-class", "4", "--seed", "3",
                 "--classes", "nut", "thrust_washer", "--workers", "1"]) == 0
    assert main(["dataset", "generate-others", str(others), "--per-kind", "1", "--seed", "4",
                 "--kinds", "gear", "plate", "--workers", "1"]) == 0
    assert "wrote 2 parts of 2 other kinds" in capsys.readouterr().out
    assert main(["train", str(data), "--out", str(weights), "--epochs", "1",
                 "--outliers", str(others), *TINY_NET]) == 0
    meta = read_metadata(weights)
    assert meta.provenance["outlier_parts"] == 2
    assert f"--outliers {others}" in meta.provenance["command"]
    capsys.readouterr()
    assert main(["calibrate", str(data), "--weights", str(weights), "--out", str(calibrated),
                 "--novelty", "msp", "--flag-rate", "0.25", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "temperature" in out and "novelty msp: threshold" in out
    meta = read_metadata(calibrated)
    assert meta.novelty["method"] == "msp" and "temperature" in meta.calibration
    assert read_metadata(weights).novelty == {}  # --out leaves the input as it was
    assert main(["explain", str(next((data / "hexagonal_nut").iterdir())), "--weights",
                 str(calibrated), "--device", "cpu", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert 0.0 <= result["novelty"] <= 1.0 and isinstance(result["unfamiliar"], bool)


def test_calibrate_refuses_a_bad_flag_rate(tmp_path: Path, tiny_weights: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = _folders(tmp_path / "data", {"Alpha part": 2, "Gamma": 2})
    assert main(["calibrate", str(data), "--weights", str(tiny_weights),
                 "--flag-rate", "1.5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--flag-rate" in err


def test_train_head_cam_gives_a_model_that_cam_explains(tmp_path: Path, tiny_weights: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    data = _folders(tmp_path / "data", {"hook": 3, "wheel": 3})
    weights = tmp_path / "cam.safetensors"
    net = [a for a in TINY_NET if a != "8"]  # no hidden head sizes: --head cam instead
    net[net.index("--head")] = "--head"
    net.insert(net.index("--head") + 1, "cam")
    assert main(["train", str(data), "--out", str(weights), "--epochs", "1", *net]) == 0
    meta = read_metadata(weights)
    assert meta.architecture["pool"] == "avg" and meta.architecture["head"] == []
    assert " --head cam " in meta.provenance["command"]
    part = next((data / "hook").iterdir())
    capsys.readouterr()
    assert main(["explain", str(part), "--weights", str(weights), "--method", "cam",
                 "--device", "cpu", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["method"]["name"] == "cam"
    # the max-pooling model cannot: one line that says how to get one that can
    assert main(["explain", str(part), "--weights", str(tiny_weights), "--method", "cam",
                 "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pointcam train --head cam" in err
