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
