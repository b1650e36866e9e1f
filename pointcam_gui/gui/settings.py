"""The only place that spells QSettings keys: typed accessors over the application's settings.

QSettings() picks its file from the application's organisation and name (set in app.py), so tests
isolate it by pointing the Ini format at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8
COLORMAP_DEFAULT = "jet"
DEVICE_DEFAULT = "auto"

_GEOMETRY = "window/geometry"
_SPLITTER = "window/splitter"
_LAST_FOLDER = "files/last_folder"
_RECENT = "files/recent"
_COLORMAP = "view/colormap"
_DARK = "view/dark"
_DEVICE = "model/device"


class Settings:
    """Window geometry, folders, recent files, colormap, theme and device, persisted."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()

    def sync(self) -> None:
        self._store.sync()

    # window -------------------------------------------------------------------------------
    def _blob(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._blob(_GEOMETRY)

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._store.setValue(_GEOMETRY, value)

    @property
    def splitter(self) -> QByteArray | None:
        return self._blob(_SPLITTER)

    @splitter.setter
    def splitter(self, value: QByteArray) -> None:
        self._store.setValue(_SPLITTER, value)

    # files --------------------------------------------------------------------------------
    @property
    def last_folder(self) -> str:
        value = self._store.value(_LAST_FOLDER, "")
        return str(value) if value and Path(str(value)).is_dir() else str(Path.home())

    @last_folder.setter
    def last_folder(self, folder: str | Path) -> None:
        self._store.setValue(_LAST_FOLDER, str(folder))

    @property
    def recent_files(self) -> list[str]:
        value = self._store.value(_RECENT, [])
        if isinstance(value, str):  # QSettings gives a bare string for a one-element list
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        return [str(v) for v in value if v][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> list[str]:
        """Put `path` first (absolute, no duplicates) and return the new list."""
        entry = str(Path(path).resolve())
        recent = [entry, *(p for p in self.recent_files if p != entry)][:MAX_RECENT]
        self._store.setValue(_RECENT, recent)
        return recent

    def clear_recent(self) -> None:
        self._store.setValue(_RECENT, [])

    # view and model -----------------------------------------------------------------------
    @property
    def colormap(self) -> str:
        return str(self._store.value(_COLORMAP, COLORMAP_DEFAULT))

    @colormap.setter
    def colormap(self, name: str) -> None:
        self._store.setValue(_COLORMAP, name)

    @property
    def dark(self) -> bool:
        return _as_bool(self._store.value(_DARK, False))

    @dark.setter
    def dark(self, value: bool) -> None:
        self._store.setValue(_DARK, bool(value))

    @property
    def device(self) -> str:
        value = str(self._store.value(_DEVICE, DEVICE_DEFAULT))
        return value if value in {"auto", "cpu", "cuda"} else DEVICE_DEFAULT

    @device.setter
    def device(self, name: str) -> None:
        self._store.setValue(_DEVICE, name)


def _as_bool(value: object) -> bool:
    # The Ini backend hands booleans back as the strings "true"/"false".
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
