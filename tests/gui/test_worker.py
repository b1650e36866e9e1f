"""The worker's lane discipline: a part superseded while it is analysed is not painted, and the
verdict is said in the status bar while a part is still being prepared for display."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from pointcam_gui.core.analysis import Analysis
from pointcam_gui.core.checkpoint import read_metadata
from pointcam_gui.core.classes import percent
from pointcam_gui.core.prefetch import views_key
from pointcam_gui.gui import stages
from pointcam_gui.gui.main_window import MainWindow
from tests.gui.conftest import RESULT_TIMEOUT_MS, open_and_wait


def test_the_verdict_is_said_while_the_display_is_prepared(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    said: list[str] = []

    def hear(_: int, text: str) -> None:
        said.append(text)

    window.service.worker.progress.connect(hear)
    try:
        analysis = open_and_wait(qtbot, window, parts["washer"]).analysis
    finally:
        window.service.worker.progress.disconnect(hear)
    p = percent(analysis.probabilities[analysis.predicted])
    expected = f"washer.stl: {analysis.predicted_name} ({p}) — preparing the display…"
    assert expected in said
    assert said.index(expected) > said.index("Loading washer.stl…")


def test_a_part_superseded_before_it_is_painted_is_not_painted(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = window.service.worker
    painted: set[str] = set()
    analysed: list[str] = []
    real_painted, real_early = Analysis.painted, stages.EarlyAnalysis.__call__

    def paint(analysis, stop=None):  # type: ignore[no-untyped-def]
        painted.add(Path(analysis.source).name)
        return real_painted(analysis, stop)

    def early(self, drawn):  # type: ignore[no-untyped-def]
        real_early(self, drawn)
        analysed.append(Path(self.request.path).name)
        if analysed[-1] == "box.stl":  # another part asked for meanwhile
            w.latest_id = self.request.id + 1

    monkeypatch.setattr(Analysis, "painted", paint)
    monkeypatch.setattr(stages.EarlyAnalysis, "__call__", early)
    window.service.forget()
    window.open_path(parts["box"])
    qtbot.waitUntil(lambda: "box.stl" in analysed, timeout=RESULT_TIMEOUT_MS)
    shown = open_and_wait(qtbot, window, parts["torus"])
    assert Path(shown.request.path).name == "torus.stl"
    assert painted == {"torus.stl"}  # the box was analysed, then dropped unpainted
    assert re.search(r"torus\.stl", window.windowTitle())


def test_the_part_opened_at_launch_is_read_while_the_model_loads(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    service, asked = window.service, []
    monkeypatch.setattr(service.worker.loader, "prefetch", lambda *a: asked.append(a))
    service.forget()
    service.hold()  # as at launch, until the window has painted
    request = service.submit(parts["washer"], method="occlusion")
    assert asked == []
    with qtbot.waitSignal(service.worker.finished, timeout=RESULT_TIMEOUT_MS):
        service.release()
    meta = read_metadata(service.worker.weights)
    assert asked == [(request.path, views_key(meta.num_points, meta.normalization, 0,
                                              "occlusion"))]


def test_a_superseded_paint_does_not_wait_for_the_creases(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from pointcam_gui.render import shading

    release = threading.Event()
    done: list[bool] = []

    def slow_creases(mesh):  # type: ignore[no-untyped-def]
        release.wait(10)  # the creases of a big part: seconds
        done.append(True)

    def superseded(analysis, stale):  # type: ignore[no-untyped-def]
        raise stages.Superseded

    monkeypatch.setattr(shading, "display_geometry", slow_creases)
    monkeypatch.setattr(stages, "painted", superseded)
    t0 = time.perf_counter()
    with pytest.raises(stages.Superseded):
        stages.paint(SimpleNamespace(display_mesh=None), lambda: True)  # type: ignore[arg-type]
    assert time.perf_counter() - t0 < 5  # the worker is free for the next part at once
    assert not done
    release.set()
