"""The class list: every class with its probability bar, most likely first.

The selected row is the Grad-CAM target (highlighted with an accent stripe); the predicted class
carries a badge, so both are always visible at a glance. Painted by a delegate so the rows stay
compact and crisp in both themes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pointcam_gui.core.classes import percent
from pointcam_gui.gui.theme import LIGHT, Theme

CLASS_ROLE = Qt.ItemDataRole.UserRole
PROB_ROLE = Qt.ItemDataRole.UserRole + 1
PREDICTED_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_HEIGHT = 42
BADGE_TEXT = "PREDICTED"


class ClassRowDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = LIGHT

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(200, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        t = self.theme
        rect: QRect = option.rect
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        prob = float(index.data(PROB_ROLE) or 0.0)
        predicted = bool(index.data(PREDICTED_ROLE))
        name = str(index.data(Qt.ItemDataRole.DisplayRole))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = rect.adjusted(4, 2, -4, -2)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(t.accent_soft))
            painter.drawRoundedRect(body, 5, 5)
            painter.setBrush(QColor(t.accent))
            painter.drawRoundedRect(QRect(body.left(), body.top() + 5, 3, body.height() - 10),
                                    1.5, 1.5)
        elif hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(t.bar_track))
            painter.drawRoundedRect(body, 5, 5)
        inner = body.adjusted(12, 5, -10, -7)
        base = QFont(option.font)
        percent_font = QFont(base)
        percent_font.setBold(True)
        text = percent(prob)
        pfm = QFontMetrics(percent_font)
        percent_w = pfm.horizontalAdvance(percent(1.0))
        right = inner.right() - percent_w
        painter.setFont(percent_font)
        painter.setPen(QColor(t.accent if selected else t.text))
        painter.drawText(QRect(right, inner.top(), percent_w, 18),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        if predicted:
            right = self._badge(painter, base, right - 8, inner.top())
        name_font = QFont(base)
        name_font.setBold(selected)
        painter.setFont(name_font)
        painter.setPen(QColor(t.text))
        name_rect = QRect(inner.left(), inner.top(), right - inner.left() - 6, 18)
        elided = QFontMetrics(name_font).elidedText(name, Qt.TextElideMode.ElideRight,
                                                    name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         elided)
        track = QRect(inner.left(), inner.bottom() - 4, inner.width(), 5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(t.bar_track if not selected else t.panel))
        painter.drawRoundedRect(track, 2.5, 2.5)
        fill = track.adjusted(0, 0, -int(track.width() * (1.0 - min(max(prob, 0.0), 1.0))), 0)
        if fill.width() > 0:
            painter.setBrush(QColor(t.accent if selected else t.bar))
            painter.drawRoundedRect(fill, 2.5, 2.5)
        painter.restore()

    def _badge(self, painter: QPainter, base: QFont, right: int, top: int) -> int:
        """Draw the 'predicted' pill ending at `right`; return its left edge."""
        font = QFont(base)
        font.setPointSizeF(max(base.pointSizeF() * 0.72, 6.5))
        font.setBold(True)
        fm = QFontMetrics(font)
        w, h = fm.horizontalAdvance(BADGE_TEXT) + 10, 15
        pill = QRect(right - w, top + 2, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(self.theme.badge))
        painter.drawRoundedRect(pill, 7, 7)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, BADGE_TEXT)
        return pill.left()


class ClassList(QListWidget):
    """Rows sorted by probability; selecting one (click or arrow keys) picks the target."""

    target_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ClassList")
        self._delegate = ClassRowDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setUniformItemSizes(True)
        self.currentRowChanged.connect(self._on_row_changed)

    def set_theme(self, theme: Theme) -> None:
        self._delegate.theme = theme
        self.viewport().update()

    def set_classes(self, names: Sequence[str], probabilities: Sequence[float],
                    predicted: int, target: int) -> None:
        """Fill the rows, most likely first, and select `target` without emitting."""
        self.blockSignals(True)
        try:
            self.clear()
            order = sorted(range(len(names)), key=lambda i: -float(probabilities[i]))
            for i in order:
                item = QListWidgetItem(names[i])
                item.setData(CLASS_ROLE, i)
                item.setData(PROB_ROLE, float(probabilities[i]))
                item.setData(PREDICTED_ROLE, i == predicted)
                item.setToolTip(f"{names[i]}: {percent(probabilities[i], 2)}")
                self.addItem(item)
        finally:
            self.blockSignals(False)
        self.select_class(target)

    def select_class(self, class_index: int) -> None:
        self.blockSignals(True)
        try:
            for row in range(self.count()):
                if self.item(row).data(CLASS_ROLE) == class_index:
                    self.setCurrentRow(row)
                    self.scrollToItem(self.item(row))
                    break
        finally:
            self.blockSignals(False)

    def class_at_row(self, row: int) -> int:
        return int(self.item(row).data(CLASS_ROLE))

    def step(self, delta: int) -> None:
        """Move the target one row down (+1) or up (-1), as the arrow keys do."""
        if self.count():
            self.setCurrentRow(min(max(self.currentRow() + delta, 0), self.count() - 1))

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.target_changed.emit(self.class_at_row(row))
