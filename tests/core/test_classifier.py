from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import Classifier
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain import CATALOGUE


@pytest.fixture
def clf(tiny_weights: Path) -> Classifier:
    return Classifier.load(tiny_weights, device="cpu")


def test_explain_gives_probabilities_and_every_class_map(clf: Classifier) -> None:
    points = clf.sample(trimesh.creation.annulus(r_min=1, r_max=2, height=1), seed=0)
    assert points.shape == (128, 3) and points.dtype == np.float32
    ex = clf.explain(points)
    assert ex.probabilities.shape == (4,)
    assert ex.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert ex.predicted == int(np.argmax(ex.probabilities))
    assert ex.cams.shape == ex.raw_cams.shape == (4, 128)
    assert ex.cams.min() >= 0 and ex.cams.max() <= 1
    for row in ex.cams:
        assert row.max() in (0.0, pytest.approx(1.0))
    assert {"forward", "explain"} <= set(ex.timings_ms)


def test_analyse_is_deterministic_for_a_seed(clf: Classifier) -> None:
    mesh = trimesh.creation.cylinder(radius=3, height=10)
    a, b = clf.analyse(mesh, seed=4), clf.analyse(mesh, seed=4)
    np.testing.assert_array_equal(a.probabilities, b.probabilities)
    np.testing.assert_array_equal(a.vertex_heat, b.vertex_heat)


def test_a_part_read_without_the_weld_gets_the_same_analysis_and_picture(
        clf: Classifier, tmp_path: Path) -> None:
    from pointcam_gui.core import load_mesh

    part = trimesh.creation.annulus(r_min=2, r_max=5, height=3, sections=40)
    part.faces = np.vstack([part.faces[7][::-1], part.faces, [[0, 0, 1]]])  # a repeat, first
    path = tmp_path / "ring.stl"
    part.export(path)
    welded, unwelded = (clf.analyse(load_mesh(path, welded=w), seed=3) for w in (True, False))
    np.testing.assert_array_equal(welded.probabilities, unwelded.probabilities)
    np.testing.assert_array_equal(welded.explanation.raw_cams, unwelded.explanation.raw_cams)
    np.testing.assert_array_equal(welded.points, unwelded.points)
    # the same heat at the same display vertices, whatever order the weld numbered them in (a
    # point that refining puts on an edge is rounded differently when the edge runs backwards)
    picture = []
    for a in (welded, unwelded):
        rows = np.c_[a.display_mesh.vertices.round(9), a.vertex_heat.T]
        picture.append(rows[np.lexsort(rows[:, 2::-1].T)])
    np.testing.assert_allclose(picture[0], picture[1], atol=1e-6)
    # the same part read as arrays, without trimesh: the same verdict
    from pointcam_gui.core.mesh_io import read_triangles

    verdict = clf.classify(read_triangles(path, welded=False), seed=3)
    np.testing.assert_array_equal(verdict.probabilities, welded.probabilities)


def test_a_tiny_part_far_from_the_origin_gets_the_heat_it_gets_at_the_origin(
        clf: Classifier) -> None:
    part = _asymmetric_part()
    part.apply_scale(1e-5)  # 0.4 mm long, in metres
    far = part.copy()
    far.apply_translation((1000.0, 1000.0, 1000.0))  # float32 steps there: 6e-5, a sixth of it
    here, there = clf.analyse(part, seed=0), clf.analyse(far, seed=0)
    np.testing.assert_allclose(here.probabilities, there.probabilities, atol=1e-5)
    assert len(here.display_mesh.vertices) == len(there.display_mesh.vertices)
    np.testing.assert_allclose(here.vertex_heat, there.vertex_heat, atol=1e-3)


def test_analysis_holds_heat_for_every_class_on_the_display_mesh(clf: Classifier) -> None:
    box = trimesh.creation.box(extents=(30, 10, 5))
    analysis = clf.analyse(box, source="box.stl")
    assert "heatmap" not in analysis.timings_ms  # built on first use, not before
    n_vertices = len(analysis.display_mesh.vertices)
    assert n_vertices > len(box.vertices)  # a 12-triangle box gets refined for painting
    assert analysis.vertex_heat.shape == (4, n_vertices)
    # every sampling's points are kept: the maps are averaged over them
    assert analysis.points.shape == (128 * analysis.samplings, 3)
    assert analysis.views == analysis.samplings * len(analysis.frames) >= 2
    # Sampled points are in the part's own coordinates (30 mm long), not the model's unit sphere.
    assert np.ptp(analysis.points[:, 0]) > 20
    for target in range(4):
        assert np.shares_memory(analysis.heat(target), analysis.vertex_heat)  # no copy, no compute
    assert analysis.source == "box.stl" and analysis.device == "cpu"
    assert {"sample", "forward", "explain", "refine", "heatmap", "total"} <= set(
        analysis.timings_ms)


@pytest.fixture
def cam_clf(tmp_path: Path) -> Classifier:
    """A tiny model with global average pooling into one linear layer: what CAM explains."""
    from pointcam_gui.core.checkpoint import ModelMetadata, save_checkpoint
    from tests.models import TINY_CLASSES, tiny_model

    model = tiny_model(pool="avg", head=())
    meta = ModelMetadata(class_names=TINY_CLASSES, num_points=128,
                         architecture=model.config.to_dict())
    return Classifier.load(save_checkpoint(tmp_path / "cam.safetensors", model, meta), "cpu")


@pytest.mark.parametrize("method", sorted(CATALOGUE))
def test_every_method_analyses_a_part_deterministically(clf: Classifier, cam_clf: Classifier,
                                                        method: str) -> None:
    if CATALOGUE[method].needs_cam_model:
        clf = cam_clf
    mesh = trimesh.creation.box(extents=(30, 10, 5))
    a, b = clf.analyse(mesh, seed=1, method=method), clf.analyse(mesh, seed=1, method=method)
    assert a.method == method and a.contrast is None
    np.testing.assert_array_equal(a.vertex_heat, b.vertex_heat)
    assert a.vertex_heat.shape[0] == 4 and 0 <= a.vertex_heat.min() <= a.vertex_heat.max() <= 1
    assert a.vertex_heat.max() > 0
    limit = CATALOGUE[method].max_views
    assert limit is None or a.views <= max(limit, len(a.frames))
    # the probabilities do not depend on the method, only on the views seen
    if limit is None:
        np.testing.assert_allclose(a.probabilities, clf.analyse(mesh, seed=1).probabilities,
                                   atol=1e-6)


def test_explain_takes_a_method_and_a_contrast_class(clf: Classifier) -> None:
    points = clf.sample(trimesh.creation.torus(2.0, 0.5), seed=0)
    plain, occluded = clf.explain(points), clf.explain(points, method="occlusion")
    assert plain.method == "gradcam" and occluded.method == "occlusion"
    assert not np.allclose(plain.cams, occluded.cams)
    versus = clf.explain(points, contrast="Gamma")
    assert versus.contrast == 3 and not versus.raw_cams[3].any()  # Gamma rather than Gamma: 0
    np.testing.assert_array_equal(versus.probabilities, plain.probabilities)
    assert not np.allclose(versus.raw_cams[0], plain.raw_cams[0])
    with pytest.raises(PointCAMError, match="unknown method"):
        clf.explain(points, method="magic")
    with pytest.raises(PointCAMError, match="unknown class"):
        clf.explain(points, contrast="Delta")


def test_points_override_changes_what_is_sampled(tiny_weights: Path) -> None:
    clf = Classifier.load(tiny_weights, device="cpu", num_points=64)
    assert clf.sample(trimesh.creation.icosphere(), seed=0).shape == (64, 3)
    with pytest.raises(PointCAMError, match="at least 32"):
        Classifier.load(tiny_weights, device="cpu", num_points=8)


@pytest.mark.parametrize(("target", "expected"), [
    (0, 0), ("2", 2), ("gamma", 3), ("ALPHA PART", 0), ("al", 0), ("beta b", 2),
])
def test_class_index_accepts_index_name_and_unique_prefix(clf: Classifier, target: object,
                                                          expected: int) -> None:
    assert clf.class_index(target) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("target", "message"), [
    ("beta", "ambiguous"), ("delta", "unknown class"), (7, "out of range"), ("", "unknown class"),
])
def test_class_index_rejects_ambiguous_or_unknown(clf: Classifier, target: object,
                                                  message: str) -> None:
    with pytest.raises(PointCAMError, match=message):
        clf.class_index(target)  # type: ignore[arg-type]


def test_explain_rejects_bad_point_arrays(clf: Classifier) -> None:
    with pytest.raises(PointCAMError, match="N >= 32"):
        clf.explain(np.zeros((10, 3)))
    bad = np.zeros((64, 3))
    bad[3, 1] = np.nan
    with pytest.raises(PointCAMError, match="NaN"):
        clf.explain(bad)


def test_shipped_model_loads_with_the_twelve_part_classes() -> None:
    from pointcam_gui.core.classes import PART_CLASSES

    clf = Classifier.load(device="cpu")
    assert clf.class_names == PART_CLASSES


def test_shipped_model_names_every_shipped_sample() -> None:
    """The README's demo parts: a regression in the shipped weights or the sampling shows here."""
    from pointcam_gui.core.classes import SLUGS
    from pointcam_gui.core.mesh_io import load_mesh
    from pointcam_gui.resources import samples

    clf = Classifier.load(device="cpu")
    by_slug = {slug: name for name, slug in SLUGS.items()}
    files = samples()
    assert len(files) == 12
    for path in files:
        analysis = clf.analyse(load_mesh(path), seed=0)
        assert analysis.predicted_name == by_slug[path.stem], path.name


def _asymmetric_part() -> trimesh.Trimesh:
    body = trimesh.creation.box(extents=(40, 20, 8))
    lug = trimesh.creation.cylinder(radius=4, height=12)
    lug.apply_translation([14, 5, 6])
    return trimesh.util.concatenate([body, lug])


def test_another_sampling_seed_gives_the_same_answer_and_picture(clf: Classifier) -> None:
    for part in (_asymmetric_part(), trimesh.creation.annulus(r_min=4, r_max=9, height=2)):
        a, b = clf.analyse(part, seed=0), clf.analyse(part, seed=1)
        assert a.predicted == b.predicted
        np.testing.assert_allclose(a.probabilities, b.probabilities, atol=0.02)
        target = int(a.vertex_heat.std(axis=1).argmax())  # a random tiny model: a non-empty map
        assert np.corrcoef(a.heat(target), b.heat(target))[0, 1] > 0.9


def test_a_moved_rotated_rescaled_copy_gives_the_same_analysis(clf: Classifier) -> None:
    part = _asymmetric_part()
    copy = part.copy()
    transform = np.eye(4)
    transform[:3, :3] = trimesh.transformations.rotation_matrix(2.1, [0.3, -0.5, 0.8])[:3, :3]
    transform[:3, :3] /= 25.4  # millimetres saved as inches
    transform[:3, 3] = [1000, -20, 3]
    copy.apply_transform(transform)
    a, b = clf.analyse(part, seed=3), clf.analyse(copy, seed=3)
    # the same draws on the same triangles: the same surface points, moved; the same frame
    np.testing.assert_allclose(a.probabilities, b.probabilities, atol=1e-5)
    np.testing.assert_allclose(a.cams, b.cams, atol=1e-4)
    np.testing.assert_allclose(a.model_points, b.model_points, atol=1e-4)


def test_analyse_returns_the_expectation_over_its_views(clf: Classifier) -> None:
    from pointcam_gui.core.calibration import view_probabilities

    washer = trimesh.creation.annulus(r_min=4, r_max=9, height=2)
    analysis = clf.analyse(washer, seed=2)
    logits, features = clf.view_outputs(washer, seed=2)
    assert len(logits) == len(features) == analysis.views > len(analysis.frames) > 1
    np.testing.assert_allclose(analysis.probabilities, view_probabilities(logits), atol=1e-6)


def test_explain_explains_exactly_the_points_it_is_given(clf: Classifier) -> None:
    points = clf.sample(_asymmetric_part(), seed=5)
    a, b = clf.explain(points), clf.explain(points[::-1].copy())
    np.testing.assert_allclose(a.probabilities, b.probabilities, atol=1e-6)
    np.testing.assert_allclose(a.cams[:, ::-1], b.cams, atol=1e-6)  # point-wise, in their order


def test_without_a_shipped_novelty_method_the_verdict_is_unknown(clf: Classifier) -> None:
    analysis = clf.analyse(_asymmetric_part())
    assert np.isnan(analysis.novelty) and analysis.unfamiliar is False


def test_the_novelty_verdict_follows_the_threshold_shipped_with_the_weights(
        clf: Classifier) -> None:
    from pointcam_gui.core.novelty import NoveltyModel

    part = _asymmetric_part()
    clf.novelty = NoveltyModel("msp", threshold=0.0)
    flagged = clf.analyse(part)
    assert 0 < flagged.novelty < 1 and flagged.unfamiliar
    clf.novelty = NoveltyModel("msp", threshold=flagged.novelty + 1e-6)
    assert not clf.analyse(part).unfamiliar
    assert clf.explain(clf.sample(part)).novelty > 0  # single point sets are scored too


def test_the_weights_temperature_softens_or_sharpens_the_probabilities(
        tiny_weights: Path) -> None:
    from dataclasses import replace

    from pointcam_gui.core.checkpoint import load_checkpoint

    model, meta = load_checkpoint(tiny_weights)
    part = _asymmetric_part()
    plain = Classifier(model, meta, "cpu").analyse(part)
    hot = Classifier(model, replace(meta, calibration={"temperature": 4.0}), "cpu").analyse(part)
    assert hot.predicted == plain.predicted  # temperature never changes the winner
    assert hot.probabilities.max() < plain.probabilities.max()


def test_painting_stops_when_told_and_keeps_nothing(clf: Classifier,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pointcam_gui.core import heatmap
    from pointcam_gui.core.blocks import Stopped

    monkeypatch.setattr(heatmap, "_CHUNK", 64)  # many blocks of vertices even for a torus
    analysis = clf.analyse(trimesh.creation.torus(20.0, 5.0), source="torus.stl")
    painted_blocks: list[int] = []
    weights = heatmap._weights

    def counted(*args):  # type: ignore[no-untyped-def]
        painted_blocks.append(1)
        return weights(*args)

    monkeypatch.setattr(heatmap, "_weights", counted)
    with pytest.raises(Stopped):  # the window moves on after the second block
        analysis.painted(stop=lambda: len(painted_blocks) >= 2)
    assert "vertex_heat" not in analysis.__dict__  # nothing half-painted is kept
    blocks = len(analysis.display_mesh.vertices) // 64
    assert blocks > 100 and len(painted_blocks) <= 4  # the blocks begun, and no more
    again = clf.analyse(trimesh.creation.torus(20.0, 5.0), source="torus.stl")
    np.testing.assert_array_equal(analysis.painted(stop=lambda: False).vertex_heat,
                                  again.vertex_heat)
