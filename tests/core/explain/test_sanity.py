"""Adebayo et al.'s model-randomisation check on the shipped model: a class-discriminative map
must change when the trained layers are replaced by random ones, and a method that does not is
marked so in its description (``MethodInfo.sanity``), which the viewer and the CLI show."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pointcam_gui.core import Classifier, load_mesh
from pointcam_gui.core.explain import CATALOGUE
from pointcam_gui.core.explain.sanity import STAGES, THRESHOLD, correlations, randomised
from pointcam_gui.resources import resources_dir

pytestmark = pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
PARTS = ("hook", "wheel", "t_fitting", "clamp", "castor", "hexagonal_nut")


@pytest.fixture(scope="module")
def shipped() -> tuple[Classifier, list[torch.Tensor]]:
    clf = Classifier.load(None, device="cpu")
    meshes = [load_mesh(resources_dir() / "samples" / f"{p}.stl") for p in PARTS]
    views = [torch.from_numpy(clf.sample(m, seed=0).T[None].copy()) for m in meshes]
    return clf, views


# the shipped model max-pools into hidden layers: CAM cannot explain it
@pytest.mark.parametrize("name", [n for n, i in CATALOGUE.items()
                                  if i.class_specific and not i.needs_cam_model])
def test_a_method_marked_sane_changes_when_the_model_is_randomised(
        shipped: tuple[Classifier, list[torch.Tensor]], name: str) -> None:
    clf, views = shipped
    medians = np.nanmedian(correlations(clf.model, name, views), axis=1)
    fails = bool((medians >= THRESHOLD).any())
    report = ", ".join(f"{s}: {m:+.2f}" for s, m in zip(STAGES, medians, strict=True))
    assert fails == bool(CATALOGUE[name].sanity), f"{name}: {report}"


def test_randomising_replaces_the_top_layers_only() -> None:
    clf = Classifier.load(None, device="cpu")
    model = clf.model
    once = randomised(model, 0)
    assert not torch.equal(once.head[0][0].weight, model.head[0][0].weight)
    assert torch.equal(once.cam_layer[0].weight, model.cam_layer[0].weight)
    twice = randomised(model, 1)
    assert not torch.equal(twice.cam_layer[0].weight, model.cam_layer[0].weight)
    assert torch.equal(twice.stem[0].weight, model.stem[0].weight)
