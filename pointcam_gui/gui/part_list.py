"""The part list: the parts of an opened folder (or of several files), beside the viewport.

One row per part: its name, then, once analysed (shown or analysed ahead), the predicted class
and probability, a marker for an unfamiliar part, or the reason it could not be read (greyed).
It shows what it is given and emits ``part_chosen``; the main window does the opening.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pointcam_gui.core.classes import percent
from pointcam_gui.gui.theme import LIGHT, Theme

LIST_WIDTH = 300
PATH_ROLE = Qt.ItemDataRole.UserRole
ERROR_ROLE = Qt.ItemDataRole.UserRole + 1  # True on a row whose part cannot be read
UNFAMILIAR_MARK = "⚠"


class PartList(QWidget):
    part_chosen = Signal(str)  # a part's path, chosen by click or keyboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PartList")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(LIST_WIDTH)
        self._theme = LIGHT
        self._rows: dict[str, QTreeWidgetItem] = {}
        self.title = QLabel("PARTS")
        self.title.setObjectName("Caption")
        self.tree = QTreeWidget()
        self.tree.setObjectName("PartTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Part", "Class", "%"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(1, 110)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.itemClicked.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 14, 6, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    # filling -----------------------------------------------------------------------------
    def set_parts(self, paths: Sequence[str | Path]) -> None:
        """A new list (names shown relative to the folder they share)."""
        self.tree.clear()
        self._rows.clear()
        names = _short_names([str(p) for p in paths])
        for path, name in zip(paths, names, strict=True):
            item = QTreeWidgetItem([name, "", ""])
            item.setData(0, PATH_ROLE, str(path))
            item.setToolTip(0, str(path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
            self._rows[str(path)] = item
        self.title.setText(f"PARTS · {len(paths)}")

    def clear(self) -> None:
        self.set_parts([])

    @property
    def paths(self) -> list[str]:
        return list(self._rows)

    def __contains__(self, path: object) -> bool:
        return str(path) in self._rows

    def set_result(self, path: str, class_name: str, probability: float,
                   unfamiliar: bool) -> None:
        item = self._rows.get(str(path))
        if item is None:
            return
        item.setText(1, f"{UNFAMILIAR_MARK} {class_name}" if unfamiliar else class_name)
        item.setText(2, percent(probability, 0, sign=""))
        tip = f"{class_name}: {percent(probability)}"
        if unfamiliar:
            tip += " — unlike any class the model knows"
        for column in (1, 2):
            item.setToolTip(column, tip)
        self._paint(item, error=False)

    def set_error(self, path: str, message: str) -> None:
        item = self._rows.get(str(path))
        if item is None:
            return
        item.setText(1, "cannot read")
        item.setText(2, "")
        for column in range(3):
            item.setToolTip(column, message)
        self._paint(item, error=True)

    # moving ------------------------------------------------------------------------------
    def set_current(self, path: str) -> None:
        item = self._rows.get(str(path))
        if item is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)
            self.tree.scrollToItem(item)

    def current(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, PATH_ROLE))

    def neighbour(self, path: str | None, step: int) -> str | None:
        """The part ``step`` rows from ``path`` (no wrapping), or None past either end."""
        paths = self.paths
        if not paths:
            return None
        index = paths.index(path) if path in self._rows else -1 if step > 0 else len(paths)
        index += step
        return paths[index] if 0 <= index < len(paths) else None

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for item in self._rows.values():
            self._paint(item, error=bool(item.data(0, ERROR_ROLE)))

    def _paint(self, item: QTreeWidgetItem, *, error: bool) -> None:
        item.setData(0, ERROR_ROLE, error)
        brush = QBrush(QColor(self._theme.muted)) if error else QBrush()
        for column in range(3):
            item.setForeground(column, brush)

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.part_chosen.emit(str(item.data(0, PATH_ROLE)))


def _short_names(paths: list[str]) -> list[str]:
    """Each path relative to the folder all share (just the name for one part)."""
    if len(paths) < 2:
        return [Path(p).name for p in paths]
    import os

    try:
        root = os.path.commonpath([str(Path(p).parent) for p in paths])
    except ValueError:
        return [Path(p).name for p in paths]
    return [os.path.relpath(p, root) for p in paths]
