"""Settings persist through QSettings, and tests never see the user's real ones."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from pointcam_gui.gui.settings import MAX_RECENT, Settings


def test_settings_live_in_the_test_folder(isolated_settings: Path) -> None:
    assert Path(QSettings().fileName()).is_relative_to(isolated_settings)


def test_recent_files_are_newest_first_without_duplicates(tmp_path: Path) -> None:
    settings = Settings()
    files = [tmp_path / f"part{i}.stl" for i in range(MAX_RECENT + 2)]
    for f in files:
        settings.add_recent(f)
    settings.add_recent(files[-3])
    recent = Settings().recent_files  # a fresh handle reads what was stored
    assert recent[0] == str(files[-3].resolve())
    assert len(recent) == MAX_RECENT
    assert len(set(recent)) == MAX_RECENT


def test_view_and_device_choices_survive_a_restart(tmp_path: Path) -> None:
    first = Settings()
    first.colormap = "viridis"
    first.dark = True
    first.device = "cpu"
    first.last_folder = tmp_path
    first.sync()
    again = Settings()
    assert (again.colormap, again.dark, again.device) == ("viridis", True, "cpu")
    assert again.last_folder == str(tmp_path)


def test_defaults_when_nothing_was_saved() -> None:
    settings = Settings()
    assert (settings.colormap, settings.dark, settings.device) == ("jet", False, "auto")
    assert settings.recent_files == []
    assert settings.geometry is None
    assert Path(settings.last_folder).is_dir()
