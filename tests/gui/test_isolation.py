"""The viewer parses parts in a child process: a parser crash is one message, and opening
another part while one hangs shows the new one without waiting for the old."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pointcam_gui.core.isolated_load import IsolatedLoader
from pointcam_gui.gui import dialogs
from pointcam_gui.gui.main_window import MainWindow
from tests.core.test_isolated_load import _hostile_load, _slow_display
from tests.gui.conftest import RESULT_TIMEOUT_MS, open_and_wait


@pytest.fixture
def hostile(window: MainWindow) -> Iterator[IsolatedLoader]:
    worker = window.service.worker
    usual, worker.loader = worker.loader, IsolatedLoader(_hostile_load, timeout_s=300)
    yield worker.loader
    worker.loader.close()
    worker.loader = usual


def test_a_parser_crash_is_one_message_and_the_next_part_opens(
        qtbot, window: MainWindow, parts: dict[str, Path], tmp_path: Path,
        hostile: IsolatedLoader, monkeypatch: pytest.MonkeyPatch) -> None:
    crash = tmp_path / "crash.stl"
    shutil.copy(parts["box"], crash)
    said: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: said.append(a[-1]))
    window.service.forget()
    with qtbot.waitSignal(window.analysis_failed, timeout=RESULT_TIMEOUT_MS) as failed:
        window.open_path(crash)
    assert "crash.stl: the file reader crashed" in failed.args[0]
    assert said == [failed.args[0]]
    assert open_and_wait(qtbot, window, parts["torus"]).analysis.predicted_name


def test_opening_a_part_while_another_hangs_shows_it_without_waiting(
        qtbot, window: MainWindow, parts: dict[str, Path], tmp_path: Path,
        hostile: IsolatedLoader) -> None:
    hang = tmp_path / "hang.stl"
    shutil.copy(parts["box"], hang)
    window.service.forget()
    window.open_path(hang)
    qtbot.waitUntil(lambda: window.service.worker.loading is not None, timeout=RESULT_TIMEOUT_MS)
    t0 = time.perf_counter()
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as shown:
        window.open_path(parts["washer"])
    assert Path(shown.args[0].request.path) == parts["washer"]
    assert time.perf_counter() - t0 < 60  # the hanging read (600 s, timeout 300 s) was killed


def test_opening_a_part_while_another_is_prepared_for_display_shows_it_without_waiting(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    """The loader's child builds the display after handing the part over; a part stuck there
    is as cancellable as one stuck in its parser."""
    worker = window.service.worker
    usual, worker.loader = worker.loader, IsolatedLoader(timeout_s=300, display=_slow_display)
    try:
        window.service.forget()
        window.open_path(parts["box"])  # its views analysed, its display never built
        qtbot.waitUntil(lambda: "preparing the display" in window.status.message.text(),
                        timeout=RESULT_TIMEOUT_MS)
        qtbot.wait(500)  # the child has handed the box over and sleeps in its display
        assert worker.loading is not None
        t0 = time.perf_counter()
        with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as shown:
            window.open_path(parts["washer"])
        assert Path(shown.args[0].request.path) == parts["washer"]
        assert time.perf_counter() - t0 < 60  # the ten-minute display was not waited for
        assert shown.args[0].geometry is not None
    finally:
        worker.loader.close()
        worker.loader = usual


def test_opening_a_part_while_another_is_painted_stops_its_heat(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The heat of a part of millions of vertices takes seconds; a part opened meanwhile does
    not wait for it: the painting stops within a block of vertices."""
    from pointcam_gui.core import heatmap

    weights, heat, blocks, painting = heatmap._weights, heatmap.heat_per_vertex, [], [""]

    def slow(*args):  # type: ignore[no-untyped-def]
        blocks.append((painting[0], time.perf_counter()))
        time.sleep(0.05)
        return weights(*args)

    def heat_of(name: str):  # type: ignore[no-untyped-def]
        def named(*args, **kwargs):  # type: ignore[no-untyped-def]
            painting[0] = name
            return heat(*args, **kwargs)
        return named

    monkeypatch.setattr(heatmap, "_CHUNK", 64)  # the torus's heat: 100+ blocks, 5+ s at this pace
    monkeypatch.setattr(heatmap, "_weights", slow)
    window.service.forget()
    monkeypatch.setattr(heatmap, "heat_per_vertex", heat_of("torus"))
    window.open_path(parts["torus"])
    qtbot.waitUntil(lambda: len(blocks) > 2, timeout=RESULT_TIMEOUT_MS)  # being painted
    monkeypatch.setattr(heatmap, "heat_per_vertex", heat_of("box"))
    t0 = time.perf_counter()
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as shown:
        window.open_path(parts["box"])
    assert Path(shown.args[0].request.path) == parts["box"]
    torus_after = [t for name, t in blocks if name == "torus" and t > t0]
    assert len(torus_after) <= 4  # the blocks begun (a thread each), and no more
    assert len([1 for name, _ in blocks if name == "torus"]) < 40  # of its 100+
