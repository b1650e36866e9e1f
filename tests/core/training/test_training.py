"""Training: augmentation ending in inference's normalization, split, checkpoints, logs, Ctrl-C."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import trimesh

from pointcam_gui.core.checkpoint import load_checkpoint
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.model import PointNet, PointNetConfig
from pointcam_gui.core.sampling import NORMALIZATIONS, SurfaceSampler
from pointcam_gui.core.training.augmentation import (
    Augmentation,
    EpochSets,
    point_sets,
    random_rotations,
    stratified_split,
)
from pointcam_gui.core.training.epoch import precise_batchnorm
from pointcam_gui.core.training.finetune import start_from
from pointcam_gui.core.training.log import COLUMNS, read_log
from pointcam_gui.core.training.train import TrainConfig, TrainProgress, train

TINY = TrainConfig(epochs=2, points=64, batch_size=4, widths=(8, 16), head=(8,), seed=3,
                   device="cpu", val_fraction=0.25, threads=1)


def test_random_rotations_are_proper_rotations() -> None:
    r = random_rotations(50, np.random.default_rng(0))
    assert np.allclose(r @ r.transpose(0, 2, 1), np.eye(3), atol=1e-9)
    assert np.allclose(np.linalg.det(r), 1.0)
    assert not np.allclose(r[0], r[1])


@pytest.mark.parametrize("method", NORMALIZATIONS)
def test_augmented_points_are_posed_and_scaled_as_inference_does(method: str) -> None:
    sampler = SurfaceSampler(trimesh.creation.box((10, 20, 300)))
    sets = point_sets([sampler] * 3, 256, np.random.default_rng(1), method, (0.8, 1.25), 0.02)
    for pts in sets:
        assert np.linalg.norm(pts, axis=1).max() <= 1.0 + 3 * 0.02  # inside the unit sphere
        np.testing.assert_allclose(0.5 * (pts.min(0) + pts.max(0)), 0, atol=0.1)
        if method == "pca_unit_sphere":  # the box's principal frame: longest axis first
            spread = pts.var(axis=0)
            assert spread[0] > spread[1] > spread[2]
            assert np.ptp(pts[:, 0]) > 1.8
    assert not np.allclose(sets[0], sets[1])  # fresh samples and poses per copy


def test_epoch_sets_are_the_same_whoever_draws_them() -> None:
    samplers = [SurfaceSampler(trimesh.creation.box((1, 2 + k, 3))) for k in range(5)]
    aug = Augmentation(128, scale_range=(0.8, 1.25), jitter=0.01)
    with EpochSets(samplers, aug, seed=7) as here, EpochSets(samplers, aug, 7, workers=2) as there:
        there.ahead(2)
        for epoch in (1, 2):
            np.testing.assert_array_equal(here.get(epoch), there.get(epoch))
        assert here.get(1).shape == (5, 128, 3)
        assert not np.allclose(here.get(1), here.get(2))  # fresh sets every epoch
    with EpochSets([], aug, 7, workers=2) as empty:
        assert len(empty) == 0 and empty.get(1).shape == (0, 128, 3)


def test_split_is_stratified_and_disjoint() -> None:
    labels = np.repeat([0, 1, 2], [10, 20, 2])
    train_idx, val_idx = stratified_split(labels, 0.2, np.random.default_rng(0))
    assert not set(train_idx) & set(val_idx)
    assert len(train_idx) + len(val_idx) == len(labels)
    assert np.bincount(labels[val_idx]).tolist() == [2, 4, 1]


def test_training_saves_a_loadable_checkpoint_with_provenance_log_and_curves(
        shapes: Path, tmp_path: Path) -> None:
    events: list[TrainProgress] = []
    result = train(shapes, tmp_path / "w.safetensors", TINY, progress=events.append,
                   command="pointcam train shapes")
    _, meta = load_checkpoint(tmp_path / "w.safetensors")
    assert meta.class_names == ("box", "ring", "rod")
    assert meta.num_points == 64 and meta.architecture["widths"] == [8, 16]
    prov = meta.provenance
    assert prov["command"] == "pointcam train shapes" and prov["seed"] == 3
    assert prov["epochs_run"] == 2 and prov["best_epoch"] == result.best_epoch
    assert prov["dataset"]["num_parts"] == 12 and prov["torch"] == torch.__version__
    assert prov["torch_threads"] == 1 and prov["finished"] is True
    assert {"training_time_s", "trained_at", "val_accuracy", "config"} <= set(prov)
    assert [s.epoch for s in read_log(result.log_csv)] == [1, 2]
    assert result.log_csv.read_text().splitlines()[0] == ",".join(COLUMNS)
    assert result.curves_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [e.done for e in events if e.stage == "epoch"] == [1, 2]
    assert events[0].stage == "load" and events[0].total == 12


def test_same_seed_trains_the_same_weights(shapes: Path, tmp_path: Path) -> None:
    once = replace(TINY, epochs=1)
    a = train(shapes, tmp_path / "a.safetensors", once)
    b = train(shapes, tmp_path / "b.safetensors", once)
    c = train(shapes, tmp_path / "c.safetensors", replace(once, seed=4))
    wa, wb, wc = (load_checkpoint(r.weights)[0].state_dict() for r in (a, b, c)
                  if r.weights is not None)
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert not all(torch.equal(wa[k], wc[k]) for k in wa)
    assert [s.train_loss for s in a.history] == [s.train_loss for s in b.history]
    d = train(shapes, tmp_path / "d.safetensors", replace(once, workers=2))  # drawn ahead
    assert d.weights is not None
    wd = load_checkpoint(d.weights)[0].state_dict()
    assert all(torch.equal(wa[k], wd[k]) for k in wa)


def test_bfloat16_trains_in_mixed_precision_and_saves_float32_weights(shapes: Path,
                                                                      tmp_path: Path) -> None:
    """The flag reaches the forward pass (the weights differ from a float32 run's), the run is
    still reproducible, and what is saved is float32, as inference expects."""
    once = replace(TINY, epochs=1)
    full = train(shapes, tmp_path / "f.safetensors", once)
    a = train(shapes, tmp_path / "a.safetensors", replace(once, precision="bfloat16"))
    b = train(shapes, tmp_path / "b.safetensors", replace(once, precision="bfloat16"))
    wf, wa, wb = (load_checkpoint(r.weights)[0].state_dict() for r in (full, a, b)
                  if r.weights is not None)
    assert all(v.dtype == torch.float32 for v in wa.values() if v.is_floating_point())
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert not all(torch.equal(wa[k], wf[k]) for k in wa)
    assert load_checkpoint(tmp_path / "a.safetensors")[1].provenance["config"][
        "precision"] == "bfloat16"


def test_ctrl_c_keeps_the_best_checkpoint_and_writes_the_log(shapes: Path,
                                                             tmp_path: Path) -> None:
    def interrupt_in_epoch_two(event: TrainProgress) -> None:
        if event.stage == "batch" and event.epoch == 2:
            raise KeyboardInterrupt

    result = train(shapes, tmp_path / "w.safetensors", replace(TINY, epochs=5),
                   progress=interrupt_in_epoch_two)
    assert result.interrupted and result.best_epoch == 1
    _, meta = load_checkpoint(tmp_path / "w.safetensors")
    assert meta.provenance["interrupted"] is True and meta.provenance["epochs_run"] == 1
    assert len(read_log(result.log_csv)) == 1 and result.curves_png.exists()


def test_unreadable_parts_are_skipped_not_fatal(shapes: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(shapes, root)
    (root / "rod" / "broken.stl").write_bytes(b"not a mesh")
    result = train(root, tmp_path / "w.safetensors", replace(TINY, epochs=1))
    assert [s.path.name for s in result.skipped] == ["broken.stl"]


def test_fine_tuning_starts_from_the_weights_and_keeps_classes_of_the_same_name(
        shapes: Path, tmp_path: Path) -> None:
    base = train(shapes, tmp_path / "base.safetensors", replace(TINY, epochs=1, widths=(8, 12)))
    assert base.weights is not None
    old, _ = load_checkpoint(base.weights)
    model, arch, adopted = start_from(base.weights, ("rod", "cone", "box"), 32)
    assert arch.widths == (8, 12) and arch.num_classes == 3 and arch.num_points == 32
    assert adopted == 2
    new_state, old_state = model.state_dict(), old.state_dict()
    out = f"head.{len(old.head) - 1}."
    for key in old_state:  # every layer but the output comes across as it was
        if not key.startswith(out):
            assert torch.equal(new_state[key], old_state[key]), key
    # rows follow the class names: rod was row 2 and box row 0 of (box, ring, rod)
    assert torch.equal(new_state[out + "weight"][0], old_state[out + "weight"][2])
    assert torch.equal(new_state[out + "weight"][2], old_state[out + "weight"][0])
    assert not torch.equal(new_state[out + "weight"][1], old_state[out + "weight"][1])

    train(shapes, tmp_path / "tuned.safetensors",
          replace(TINY, epochs=1, init=str(base.weights)))
    _, meta = load_checkpoint(tmp_path / "tuned.safetensors")
    assert meta.architecture["widths"] == [8, 12]  # the init's, not TINY's (8, 16)
    assert meta.provenance["init"] == {"weights": "base.safetensors", "classes_adopted": 3}
    with pytest.raises(PointCAMError, match="normalization"):
        start_from(base.weights, ("box",), 32, "bbox_center_unit_sphere")


def test_unusable_settings_are_refused(shapes: Path, tmp_path: Path) -> None:
    with pytest.raises(PointCAMError, match="batch size"):
        train(shapes, tmp_path / "w.safetensors", replace(TINY, batch_size=1))
    with pytest.raises(PointCAMError, match="normalization"):
        train(shapes, tmp_path / "w.safetensors", replace(TINY, normalization="none"))
    with pytest.raises(PointCAMError, match="workers"):
        train(shapes, tmp_path / "w.safetensors", replace(TINY, workers=-1))
    with pytest.raises(PointCAMError, match="precision"):
        train(shapes, tmp_path / "w.safetensors", replace(TINY, precision="float16"))


def test_precise_batchnorm_sets_exact_statistics_and_keeps_momentum() -> None:
    torch.manual_seed(0)
    model = PointNet(PointNetConfig(num_classes=3, num_points=64, widths=(8, 16), head=(8,)))
    x = np.random.default_rng(0).normal(size=(12, 64, 3)).astype(np.float32)
    precise_batchnorm(model, x, batch_size=4, device=torch.device("cpu"))
    with torch.no_grad():
        pre = model.stem[0](torch.from_numpy(x).transpose(1, 2))
    bn = model.stem[1]
    assert torch.allclose(bn.running_mean, pre.mean(dim=(0, 2)), atol=1e-5)
    assert bn.momentum == 0.1 and not model.training
