"""The part list: a folder or several files open as a list, PageDown steps through it, the next
parts are analysed ahead, and a bad file is a greyed row, not a dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from pointcam_gui.gui import dialogs
from pointcam_gui.gui.main_window import MainWindow
from tests.gui.conftest import RESULT_TIMEOUT_MS


@pytest.fixture
def folder(tmp_path: Path, parts: dict[str, Path]) -> Path:
    for name in ("box", "torus", "washer", "broken"):
        shutil.copy(parts[name], tmp_path / parts[name].name)
    (tmp_path / "notes.txt").write_text("not a part")
    return tmp_path


def _names(window: MainWindow) -> list[str]:
    return [Path(p).name for p in window.part_list.paths]


def _row(window: MainWindow, name: str) -> tuple[str, str]:
    item = window.part_list._rows[next(p for p in window.part_list.paths if p.endswith(name))]
    return item.text(1), item.text(2)


def test_a_folder_fills_the_list_and_the_next_part_is_analysed_ahead(
        qtbot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.service.forget()
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as shown:
        window.menu_actions.open_folder.trigger()
    assert _names(window) == ["box.stl", "broken.stl", "torus.stl", "washer.stl"]
    assert window.part_list.isVisible() and window.menu_actions.next_part.isEnabled()
    first = shown.args[0]
    assert Path(first.request.path).name == "box.stl"
    assert _row(window, "box.stl")[0] == first.analysis.predicted_name
    # the broken file is next: analysed ahead, it is greyed with its reason
    qtbot.waitUntil(lambda: _row(window, "broken.stl")[0] == "cannot read",
                    timeout=RESULT_TIMEOUT_MS)
    qtbot.waitUntil(lambda: _row(window, "torus.stl")[0] != "", timeout=RESULT_TIMEOUT_MS)
    item = window.part_list._rows[window.part_list.paths[1]]
    assert "broken.stl" in item.toolTip(1)


def test_page_down_shows_the_part_analysed_ahead_without_reading_it_again(
        qtbot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: said.append(a[-1]))
    window.service.forget()
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        window.open_paths([folder])
    qtbot.waitUntil(lambda: _row(window, "torus.stl")[0] != "", timeout=RESULT_TIMEOUT_MS)
    with qtbot.waitSignal(window.analysis_failed, timeout=RESULT_TIMEOUT_MS):
        window.menu_actions.next_part.trigger()  # broken.stl: said in the list, no dialog
    assert said == []
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as shown:
        window.menu_actions.next_part.trigger()
    result = shown.args[0]
    assert Path(result.request.path).name == "torus.stl"
    assert result.load_ms == 0.0  # analysed ahead: neither read nor computed again
    assert window.part_list.current() == result.request.path
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS) as back:
        window.menu_actions.previous_part.trigger()
        window.menu_actions.previous_part.trigger()  # the newest request wins: box.stl
    assert Path(back.args[0].request.path).name == "box.stl"


def test_opening_a_single_part_closes_the_list(qtbot, window: MainWindow, folder: Path,
                                               parts: dict[str, Path]) -> None:
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        window.open_paths([folder / "box.stl", folder / "washer.stl"])
    assert _names(window) == ["box.stl", "washer.stl"]
    with qtbot.waitSignal(window.analysis_shown, timeout=RESULT_TIMEOUT_MS):
        window.open_path(parts["torus"])
    assert not window.part_list.isVisible() and window.part_list.paths == []
    assert not window.menu_actions.next_part.isEnabled()


def test_a_folder_without_parts_is_one_message(qtbot, window: MainWindow, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: said.append(a[-1]))
    (tmp_path / "empty").mkdir()
    assert window.open_paths([tmp_path / "empty"]) is None
    assert said == ["empty: no CAD parts in it"]


def test_several_parts_on_the_command_line_are_kept() -> None:
    from pointcam_gui.gui.app import parse_args

    args = parse_args(["a.stl", "parts/", "--device", "cpu"])
    assert [p.name for p in args.parts] == ["a.stl", "parts"]
