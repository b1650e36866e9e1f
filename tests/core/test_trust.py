"""Calibration, novelty scores and their fitting: the maths on synthetic numbers, the plumbing on
a tiny model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import Classifier
from pointcam_gui.core.calibration import (
    ece_of_a_calibrated_model,
    expected_calibration_error,
    fit_temperature,
    view_probabilities,
)
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.novelty import METHODS, NoveltyModel, auroc, fit_arrays, view_scores
from pointcam_gui.core.trust import ViewSet, collect_views, fit_trust, write_trust
from tests.models import TINY_CLASSES


def test_temperature_fit_recovers_the_temperature_that_made_the_labels() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(4000, 1, 5))  # one view per part
    p = view_probabilities(logits, 2.5)
    labels = np.array([rng.choice(5, p=row) for row in p])
    assert fit_temperature(list(logits), labels) == pytest.approx(2.5, rel=0.1)


def test_ece_is_the_weighted_gap_between_confidence_and_accuracy() -> None:
    # bin [0.9, 1.0): two parts at 0.95 confidence, one right; bin [0.6, 0.7): one right at 0.6
    p = np.array([[0.95, 0.05], [0.95, 0.05], [0.6, 0.4]])
    labels = np.array([0, 1, 0])
    assert expected_calibration_error(p, labels) == pytest.approx(2 / 3 * 0.45 + 1 / 3 * 0.4)
    assert expected_calibration_error(np.eye(3), np.arange(3)) == 0.0


def test_a_calibrated_model_measures_a_nonzero_ece_on_few_parts() -> None:
    rng = np.random.default_rng(1)
    few = ece_of_a_calibrated_model(rng.uniform(0.5, 1.0, 52), draws=500)
    many = ece_of_a_calibrated_model(rng.uniform(0.5, 1.0, 5000), draws=100)
    assert np.median(few) > 0.05 > 0.02 > np.median(many)  # the noise floor falls with the parts
    assert not ece_of_a_calibrated_model(np.ones(10), draws=20).any()  # certain and right
    np.testing.assert_array_equal(ece_of_a_calibrated_model(few[:9] + 0.5, seed=3, draws=5),
                                  ece_of_a_calibrated_model(few[:9] + 0.5, seed=3, draws=5))


def test_view_probabilities_average_the_softmax_not_the_logits() -> None:
    logits = np.array([[10.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(view_probabilities(logits), [0.5, 0.5])


def test_auroc_counts_pairs_and_ties() -> None:
    assert auroc(np.array([0.0, 1.0]), np.array([2.0, 3.0])) == 1.0
    assert auroc(np.array([2.0, 3.0]), np.array([0.0, 1.0])) == 0.0
    assert auroc(np.array([1.0, 1.0]), np.array([1.0])) == 0.5


@pytest.mark.parametrize("method", METHODS)
def test_every_novelty_method_scores_a_far_feature_above_a_familiar_one(method: str) -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 5, size=(3, 16))
    labels = np.repeat(np.arange(3), 100)
    features = np.abs(centres[labels] + rng.normal(0, 0.5, size=(300, 16)))
    arrays = fit_arrays(features, labels, 3)
    familiar = (np.array([[8.0, 0.0, 0.0]]), features[:1])  # a confident, typical view
    far = (np.array([[1.0, 1.2, 0.9]]), features[:1] + 40.0)  # a hesitant, outlying one
    score = [float(view_scores(method, z, f, arrays)[0]) for z, f in (familiar, far)]
    assert score[1] > score[0]


def _views(n: int, seed: int = 0) -> ViewSet:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    logits = [np.eye(4)[y] * 4 + rng.normal(0, 1, (3, 4)) for y in labels]
    features = [np.eye(4)[y].repeat(4) + rng.normal(0, 0.2, (3, 16)) for y in labels]
    return ViewSet(logits, features, labels, [Path(f"p{i}.stl") for i in range(n)], [])


def test_fit_places_the_threshold_at_the_requested_share_of_held_out_parts() -> None:
    views = _views(400)
    fit = fit_trust(views, 4, "mahalanobis", flag_rate=0.1)
    held = np.sort(np.random.default_rng(0).permutation(400)[200:])
    scores = [fit.novelty.score(views.logits[i], views.features[i]) for i in held]
    assert np.mean(np.array(scores) > fit.novelty.threshold) == pytest.approx(0.1, abs=0.01)
    assert set(fit.novelty.arrays) == {"means", "precision"}  # only what the method needs
    assert 0.05 < fit.temperature < 20
    kept = fit_trust(views, 4, "msp", temperature=1.0)
    assert kept.temperature == 1.0 and kept.novelty.arrays == {}


def test_an_unknown_method_or_too_few_parts_is_refused() -> None:
    with pytest.raises(PointCAMError, match="unknown novelty method"):
        fit_trust(_views(10), 4, "vibes")
    with pytest.raises(PointCAMError, match="at least 4"):
        fit_trust(_views(3), 4)


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    root = tmp_path / "parts"
    makers = [lambda k: trimesh.creation.box((1, 2 + k, 3)),
              lambda k: trimesh.creation.torus(2 + k, 0.5),
              lambda k: trimesh.creation.cylinder(0.3, 4 + k),
              lambda k: trimesh.creation.cone(1, 2 + k)]
    for name, make in zip(TINY_CLASSES, makers, strict=True):
        (root / name).mkdir(parents=True)
        for k in range(3):
            make(k).export(root / name / f"{k}.stl")
    return root


def test_calibrated_weights_carry_the_verdict_to_every_classifier_that_loads_them(
        tiny_weights: Path, tiny_dataset: Path, tmp_path: Path) -> None:
    clf = Classifier.load(tiny_weights, device="cpu")
    views = collect_views(tiny_dataset, clf)
    assert len(views.labels) == 12 and views.features[0].shape[1] == 64
    fit = fit_trust(views, 4, "knn", flag_rate=0.2)
    out = write_trust(tiny_weights, tmp_path / "calibrated.safetensors", clf, fit, "tiny")
    loaded = Classifier.load(out, device="cpu")
    assert loaded.novelty is not None and loaded.novelty.method == "knn"
    assert loaded.novelty.threshold == pytest.approx(fit.novelty.threshold)
    np.testing.assert_array_equal(loaded.novelty.arrays["bank"], fit.novelty.arrays["bank"])
    assert loaded.temperature == pytest.approx(fit.temperature)
    assert loaded.metadata.calibration["dataset"] == "tiny"
    analysis = loaded.analyse(trimesh.creation.icosphere())
    assert np.isfinite(analysis.novelty)
    assert analysis.unfamiliar == (analysis.novelty > fit.novelty.threshold)
    # the network itself is untouched
    for a, b in zip(clf.model.state_dict().values(), loaded.model.state_dict().values(),
                    strict=True):
        assert np.array_equal(a.numpy(), b.numpy())


def test_novelty_metadata_without_its_arrays_is_ignored() -> None:
    assert NoveltyModel.from_metadata({"method": "knn", "threshold": 1.0}, {}, 1.0) is None
    assert NoveltyModel.from_metadata({"method": "msp", "threshold": 0.5}, {}, 1.0) is not None
    assert NoveltyModel.from_metadata({}, {}, 1.0) is None
