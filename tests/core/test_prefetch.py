"""Views drawn in a forked child while the model loads: the same analysis, errors in one line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import prefetch
from pointcam_gui.core.classifier import Classifier
from pointcam_gui.core.errors import MeshLoadError, PointCAMError
from pointcam_gui.core.mesh_io import load_mesh
from pointcam_gui.core.prefetch import Prefetch, draw

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the child is forked on Linux only")


@pytest.fixture
def part(tmp_path: Path) -> Path:
    path = tmp_path / "bracket.stl"
    trimesh.creation.annulus(4.0, 9.0, 6.0).export(path)
    return path


@pytest.fixture
def clf(tiny_weights: Path) -> Classifier:
    return Classifier.load(tiny_weights, device="cpu")


def _key(clf: Classifier, seed: int = 3) -> tuple[int, str, int]:
    return clf.num_points, clf.metadata.normalization, seed


def test_an_analysis_of_drawn_views_is_the_analysis_of_the_mesh(clf: Classifier,
                                                                 part: Path) -> None:
    direct = clf.analyse(load_mesh(part), seed=3)
    drawn = clf.analyse(None, seed=3, drawn=draw(part, *_key(clf)))
    np.testing.assert_array_equal(drawn.probabilities, direct.probabilities)
    np.testing.assert_array_equal(drawn.explanation.raw_cams, direct.explanation.raw_cams)
    np.testing.assert_array_equal(drawn.world_points, direct.world_points)
    assert drawn.views == direct.views and drawn.part is None
    with pytest.raises(PointCAMError, match="without its part"):
        _ = drawn.display_mesh


def test_views_drawn_for_other_settings_are_refused(clf: Classifier, part: Path) -> None:
    views = draw(part, *_key(clf, seed=4))
    with pytest.raises(ValueError, match="views drawn for"):
        clf.analyse(None, seed=3, drawn=views)
    with pytest.raises(ValueError, match="needs a mesh"):
        clf.analyse(None)


@linux_only
def test_the_child_draws_what_this_process_would(clf: Classifier, part: Path) -> None:
    here, there = draw(part, *_key(clf)), Prefetch(part, *_key(clf)).result()
    np.testing.assert_array_equal(there.views, here.views)
    np.testing.assert_array_equal(there.world, here.world)
    assert there.key == here.key and set(there.timings_ms) == {"load", "sample"}


@linux_only
def test_a_bad_file_or_a_crashing_reader_is_one_line(tmp_path: Path, part: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.stl"
    bad.write_bytes(b"solid x\nfacet normal 0 0 1\n")
    with pytest.raises(MeshLoadError, match=r"bad\.stl") as caught:
        Prefetch(bad, 64, "pca_unit_sphere", 0).result()
    assert "\n" not in str(caught.value)
    monkeypatch.setattr(prefetch, "draw", lambda *_: os._exit(3))  # the forked child calls it
    with pytest.raises(MeshLoadError, match=r"bracket\.stl: the reader stopped unexpectedly"):
        Prefetch(part, 64, "pca_unit_sphere", 0).result()


@linux_only
def test_close_stops_a_child_whose_result_is_not_wanted(part: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "draw", lambda *_: time.sleep(60))
    started = time.perf_counter()
    pending = Prefetch(part, 64, "pca_unit_sphere", 0)
    child = pending._child
    assert child is not None and child.is_alive()
    pending.close()
    assert not child.is_alive() and time.perf_counter() - started < 10


def _buggy_draw(*_: object) -> None:
    raise RuntimeError("a parser bug\nwith two lines")


@linux_only
def test_a_bug_in_the_child_is_one_line_not_a_traceback(part: Path, capfd,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "draw", _buggy_draw)
    with pytest.raises(MeshLoadError, match="internal error while reading: a parser bug with"):
        Prefetch(part, 64, "pca_unit_sphere", 0).result()
    assert "Traceback" not in capfd.readouterr().err
