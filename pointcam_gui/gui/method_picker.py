"""The explanation-method chooser: the catalogue's methods under their group headings, each
with its description, reference and caveats in the tooltip. Emits the chosen method's name.
Methods the loaded model cannot run (CAM without global average pooling) are greyed out, with
the reason in their tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

from pointcam_gui.core.explain.catalogue import CATALOGUE, DEFAULT_METHOD, GROUPS, MethodInfo

_NAME = Qt.ItemDataRole.UserRole


def tooltip(info: MethodInfo) -> str:
    notes = "".join(f"<br><i>{note[0].upper()}{note[1:]}.</i>" for note in info.notes)
    return f"<b>{info.title}</b><br>{info.description}<br>{info.reference}{notes}"


class MethodPicker(QComboBox):
    method_changed = Signal(str)  # the method's name, e.g. "gradcam++"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        model = QStandardItemModel(self)
        bold = QFont()
        bold.setBold(True)
        for group in GROUPS:
            heading = QStandardItem(group.capitalize())
            heading.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading, not a choice
            heading.setFont(bold)
            model.appendRow(heading)
            for info in (i for i in CATALOGUE.values() if i.group == group):
                item = QStandardItem(f"   {info.title}")
                item.setData(info.name, _NAME)
                item.setToolTip(tooltip(info))
                model.appendRow(item)
        self.setModel(model)
        self._items = model
        self.set_method(DEFAULT_METHOD)
        self.currentIndexChanged.connect(self._on_index)

    def set_architecture(self, architecture: dict[str, object]) -> None:
        """Enable the methods that can explain a model of this architecture, grey out the rest
        with the reason as their tooltip."""
        for row in range(self._items.rowCount()):
            item = self._items.item(row)
            name = item.data(_NAME)
            if name is None:
                continue
            info = CATALOGUE[name]
            reason = info.unavailable(architecture)
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags if not reason else Qt.ItemFlag.NoItemFlags)
            item.setToolTip(tooltip(info) + (f"<br><b>Unavailable:</b> {reason}." if reason
                                             else ""))

    def available(self, name: str) -> bool:
        item = self._items.item(self.findData(name, _NAME))
        return item is not None and item.isEnabled()

    def method(self) -> str:
        return str(self.currentData(_NAME))

    def set_method(self, name: str) -> None:
        """Select ``name`` without emitting."""
        self.blockSignals(True)
        self.setCurrentIndex(self.findData(name, _NAME))
        self.blockSignals(False)
        self.setToolTip(tooltip(CATALOGUE[name]))

    def _on_index(self, _row: int) -> None:
        name = self.method()
        self.setToolTip(tooltip(CATALOGUE[name]))
        self.method_changed.emit(name)
