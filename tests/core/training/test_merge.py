"""Merging models into one ensemble PointNet: exact mean logits, Grad-CAM over all members'
channels, the file's metadata, and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from pointcam_gui.cli import main
from pointcam_gui.core import Classifier, PointCAMError
from pointcam_gui.core.checkpoint import ModelMetadata, read_metadata, save_checkpoint
from pointcam_gui.core.explain.gradcam import head_jacobian
from pointcam_gui.core.training.merge import merge, merge_files, models_in
from tests.models import TINY_CLASSES, tiny_model


def _members() -> list:
    return [tiny_model(0), tiny_model(1, widths=(8, 24, 48), head=(20, 12)),
            tiny_model(2, widths=(16, 16, 32), head=(8, 8))]


def test_merged_logits_are_the_members_mean() -> None:
    members = _members()
    merged = merge(members)
    assert merged.config.widths == (40, 72, 144) and merged.config.head == (60, 36)
    x = torch.randn(5, 3, 128)
    with torch.no_grad():
        expected = torch.stack([m(x) for m in members]).mean(dim=0)
        assert torch.allclose(merged(x), expected, atol=1e-5)
        assert torch.allclose(merged.point_features(x), merged.features(x), atol=1e-5)


def test_merged_gradcam_is_the_ensembles() -> None:
    """Each member keeps its own channels, and the ensemble logit's gradient reaches them scaled
    by 1 / members: Grad-CAM of the merged model is Grad-CAM of the mean logit."""
    members = _members()
    merged = merge(members)
    x = torch.randn(2, 3, 128)
    with torch.no_grad():
        acts = merged.point_features(x)
        _, jac = head_jacobian(merged, merged.pool(acts))
        start = 0
        for m in members:
            own = m.point_features(x)
            k = own.shape[1]
            assert torch.allclose(acts[:, start:start + k], own, atol=1e-5)
            _, own_jac = head_jacobian(m, m.pool(own))
            assert torch.allclose(jac[:, :, start:start + k], own_jac / len(members), atol=1e-5)
            start += k


def test_merge_files_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for i, m in enumerate(_members()[:2]):
        meta = ModelMetadata(class_names=TINY_CLASSES, num_points=128,
                             architecture=m.config.to_dict(),
                             provenance={"description": f"member {i}"},
                             calibration={"temperature": 0.5})
        paths.append(save_checkpoint(tmp_path / f"m{i}.safetensors", m, meta))
    out = tmp_path / "ens.safetensors"
    assert main(["merge", *map(str, paths), "--out", str(out)]) == 0
    assert "uncalibrated" in capsys.readouterr().out
    meta = read_metadata(out)
    assert meta.class_names == TINY_CLASSES and meta.calibration == {}
    assert [m["provenance"]["description"] for m in meta.provenance["members"]] == [
        "member 0", "member 1"]
    assert all(len(m["sha256"]) == 64 for m in meta.provenance["members"])
    clf = Classifier.load(out, device="cpu")
    assert clf.temperature == 1.0
    assert clf.explain(torch.randn(128, 3).numpy()).cams.shape == (len(TINY_CLASSES), 128)


def test_an_ensemble_merged_again_counts_by_its_models(tmp_path: Path) -> None:
    """A merged pair merged with a third model gives the mean of all three, exactly as merging
    the three at once; a plain pair-plus-one mean would weigh the pair like one model."""
    members = _members()
    paths = []
    for i, m in enumerate(members):
        meta = ModelMetadata(class_names=TINY_CLASSES, num_points=128,
                             architecture=m.config.to_dict(), provenance={"description": str(i)})
        paths.append(save_checkpoint(tmp_path / f"m{i}.safetensors", m, meta))
    pair = merge_files(paths[:2], tmp_path / "pair.safetensors")
    trio = merge_files([pair, paths[2]], tmp_path / "trio.safetensors")
    meta = read_metadata(trio)
    assert models_in(meta.provenance) == 3 and "ensemble of 3" in meta.provenance["description"]
    x = torch.randn(4, 3, 128)
    with torch.no_grad():
        expected = torch.stack([m(x) for m in members]).mean(dim=0)
        got = Classifier.load(trio, device="cpu").model(x)
        assert torch.allclose(got, expected, atol=1e-5)
        assert not torch.allclose(merge([merge(members[:2]), members[2]])(x), expected,
                                  atol=1e-3)


def test_merge_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PointCAMError, match="at least two"):
        merge([tiny_model(0)])
    with pytest.raises(PointCAMError, match="model count"):
        merge([tiny_model(0), tiny_model(1)], counts=[1, 0])
    with pytest.raises(PointCAMError, match="T-Nets"):
        merge([tiny_model(0), tiny_model(1, input_transform=True)])
    with pytest.raises(PointCAMError, match="number of layers"):
        merge([tiny_model(0), tiny_model(1, widths=(8, 16, 32, 64))])
    a, b = tiny_model(0), tiny_model(1)
    pa = save_checkpoint(tmp_path / "a.safetensors", a, ModelMetadata(
        class_names=TINY_CLASSES, num_points=128, architecture=a.config.to_dict()))
    pb = save_checkpoint(tmp_path / "b.safetensors", b, ModelMetadata(
        class_names=TINY_CLASSES[::-1], num_points=128, architecture=b.config.to_dict()))
    out = tmp_path / "out.safetensors"
    assert main(["merge", str(pa), str(pb), "--out", str(out)]) == 2
    assert "names other classes" in capsys.readouterr().err
    assert not out.exists()
