from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from pointcam_gui.core.checkpoint import (
    ModelMetadata,
    load_checkpoint,
    read_metadata,
    save_checkpoint,
)
from pointcam_gui.core.errors import WeightsError
from tests.models import TINY_CLASSES, tiny_model


def test_weights_and_metadata_round_trip(tiny_weights: Path) -> None:
    model, meta = load_checkpoint(tiny_weights)
    assert meta.class_names == TINY_CLASSES and meta.num_points == 128
    assert not model.training
    x = torch.randn(1, 3, 128)
    torch.testing.assert_close(model(x), tiny_model()(x))
    assert (tiny_weights.stat().st_mode & 0o044) == 0o044  # readable like any data file


def test_loading_never_unpickles_a_torch_pickle(tmp_path: Path) -> None:
    pickled = tmp_path / "evil.safetensors"
    torch.save({"x": torch.zeros(1)}, pickled)
    with pytest.raises(WeightsError, match="not a safetensors"):
        load_checkpoint(pickled)


@pytest.mark.parametrize("case", ["missing", "folder", "garbage", "truncated", "no-metadata",
                                  "bad-json", "future", "wrong-shapes", "class-count"])
def test_bad_weights_files_give_one_line_errors(tmp_path: Path, tiny_weights: Path,
                                                case: str) -> None:
    path = tmp_path / f"{case}.safetensors"
    model = tiny_model()
    meta = ModelMetadata(TINY_CLASSES, 128, model.config.to_dict())
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    if case == "folder":
        path.mkdir()
    elif case == "garbage":
        path.write_bytes(b"\x00garbage" * 100)
    elif case == "truncated":
        path.write_bytes(tiny_weights.read_bytes()[:5000])
    elif case == "no-metadata":
        save_file(tensors, str(path))
    elif case == "bad-json":
        save_file(tensors, str(path), metadata={"pointcam": "{not json"})
    elif case == "future":
        data = json.loads(meta.to_json()) | {"format_version": 99}
        save_file(tensors, str(path), metadata={"pointcam": json.dumps(data)})
    elif case == "wrong-shapes":
        other = tiny_model(widths=(8, 16, 32))
        save_file({k: v.contiguous() for k, v in other.state_dict().items()}, str(path),
                  metadata={"pointcam": meta.to_json()})
    elif case == "class-count":
        save_checkpoint(path, model, ModelMetadata(TINY_CLASSES[:2], 128, meta.architecture))
    with pytest.raises(WeightsError) as err:
        load_checkpoint(path)
    message = str(err.value)
    assert "\n" not in message and path.name in message


def test_read_metadata_does_not_need_the_model(tiny_weights: Path) -> None:
    assert read_metadata(tiny_weights).provenance["description"] == "tiny test model"


def test_interrupted_save_keeps_the_previous_file(tiny_weights: Path, monkeypatch) -> None:
    before = tiny_weights.read_bytes()

    def explode(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("safetensors.torch.save_file", explode)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tiny_weights, tiny_model(seed=9), read_metadata(tiny_weights))
    assert tiny_weights.read_bytes() == before
    assert [p.name for p in tiny_weights.parent.iterdir()] == [tiny_weights.name]
