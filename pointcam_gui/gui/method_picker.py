"""The explanation-method chooser: the catalogue's methods under their group headings, each
with its description, reference and caveats in the tooltip. Emits the chosen method's name."""

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
        self.set_method(DEFAULT_METHOD)
        self.currentIndexChanged.connect(self._on_index)

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
