"""Deletion and insertion curves: the shortcut equals the network, the ends are what they say."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import trimesh

from pointcam_gui.core import Classifier
from pointcam_gui.core.explain.faithfulness import FRACTIONS, _masked_logits, curves
from tests.models import tiny_model


def test_masked_logits_without_forward_passes_equal_the_network_on_moved_points() -> None:
    model = tiny_model(seed=2).double()
    x = torch.randn(2, 3, 64, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    x = x * 0.4 + 1.5  # off the origin, so the origin's own feature matters
    ranked = torch.stack([torch.stack([torch.randperm(64) for _ in range(2)]) for _ in range(3)])
    counts = [0, 5, 32, 64]
    got = _masked_logits(model, x, ranked, counts)
    for o in range(3):
        for i, k in enumerate(counts):
            for v in range(2):
                first = torch.zeros(64, dtype=torch.bool)
                first[ranked[o, v, :k]] = True
                for d, keep in enumerate((~first, first)):  # deletion, insertion
                    want = model((x[v] * keep)[None])[0]
                    torch.testing.assert_close(got[d, i, o, v], want)


def test_the_curves_start_from_the_whole_part_and_from_nothing() -> None:
    model = tiny_model(seed=1)
    x = torch.randn(3, 3, 128, generator=torch.Generator().manual_seed(2))
    heat = torch.rand(3, 128, generator=torch.Generator().manual_seed(3))
    f = curves(model, x, heat, target=2)
    with torch.no_grad():
        whole = torch.softmax(model(x), 1)[:, 2].mean().item()
        nothing = torch.softmax(model(torch.zeros(1, 3, 128)), 1)[0, 2].item()
    assert np.isclose(f.deletion[0], whole, atol=1e-6)
    assert np.isclose(f.deletion_random[0], whole, atol=1e-6)
    assert np.isclose(f.insertion[0], nothing, atol=1e-6)
    assert np.isclose(f.insertion_random[0], nothing, atol=1e-6)
    np.testing.assert_array_equal(f.fractions, FRACTIONS)
    assert f.score == f.deletion_gap
    # the map's own order, reversed, deletes the least important points first
    reverse = curves(model, x, -heat, target=2)
    assert not np.allclose(reverse.deletion, f.deletion)


def test_classifier_measures_the_faithfulness_of_an_analysis(tiny_weights: Path) -> None:
    clf = Classifier.load(tiny_weights, device="cpu")
    analysis = clf.analyse(trimesh.creation.box(extents=(30, 10, 5)), method="occlusion")
    f = clf.faithfulness(analysis, "gamma")
    again = clf.faithfulness(analysis, "gamma")
    assert f.target == 3 and f.deletion.shape == f.insertion.shape == FRACTIONS.shape
    np.testing.assert_array_equal(f.deletion, again.deletion)  # seeded random orders
    assert -1 <= f.score <= 1 and json.loads(json.dumps(f.to_dict()))["target"] == 3
    assert clf.faithfulness(analysis).target == analysis.predicted
