"""Shared test setup: no test ever reads or writes the user's real application settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

TEST_ORGANIZATION = "PointCAM-tests"


@pytest.fixture
def tiny_weights(tmp_path: Path) -> Path:
    """A tiny seeded 4-class model saved as a weights file (see tests/models.py)."""
    from tests.models import write_tiny_weights

    return write_tiny_weights(tmp_path / "tiny.safetensors")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """QSettings in Ini files under a fresh temporary folder, under a test organisation name.

    Subprocesses (the GUI's --screenshot test) get the same folder as their XDG config home.
    """
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    try:
        from PySide6.QtCore import QCoreApplication, QSettings
    except ImportError:  # a core-only environment: nothing Qt to isolate
        yield folder
        return
    old = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    QCoreApplication.setOrganizationName(TEST_ORGANIZATION)
    QCoreApplication.setApplicationName(TEST_ORGANIZATION)
    yield folder
    QCoreApplication.setOrganizationName(old[0])
    QCoreApplication.setApplicationName(old[1])
