"""The main window's widgets and where they sit, and its hooks: first paint and file drops.

From left to right: the part list (hidden until several parts are open), the viewport with the
compare pane beside it in one splitter, and the side panel; the status bar below. The welcome
page stands in the viewport until the 3D stack has imported, so the window paints at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

from pointcam_gui import resources
from pointcam_gui.gui import wiring
from pointcam_gui.gui.compare import ComparePane
from pointcam_gui.gui.panels import SidePanel
from pointcam_gui.gui.part_browser import PartBrowser
from pointcam_gui.gui.part_list import PartList
from pointcam_gui.gui.status import StatusBar
from pointcam_gui.gui.viewport import Viewport
from pointcam_gui.gui.welcome import WelcomePage

if TYPE_CHECKING:
    from pointcam_gui.gui.main_window import MainWindow

FIRST_PAINT_FALLBACK_MS = 2000  # a window that is never shown still starts its stack


class FirstPaint(QObject):
    """Calls `then` (on the next loop turn) after `widget` first paints."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def after_first_paint(widget: QWidget, then: Callable[[], None]) -> FirstPaint:
    """Run `then` once `widget` has painted, or after ``FIRST_PAINT_FALLBACK_MS`` if it never
    does; `then` must be safe to call twice (the window's start-up is)."""
    QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, then)
    return FirstPaint(widget, then)


def window_icon() -> QIcon | None:
    icon = resources.icon_path()
    return QIcon(str(icon)) if icon.is_file() else None


def build(window: MainWindow) -> None:
    """Make the window's widgets, lay them out and set them as its attributes."""
    icon = window_icon()
    if icon is not None:
        window.setWindowIcon(icon)
    window.panel = SidePanel(window.scene_style)
    window.welcome = WelcomePage(icon.pixmap(128, 128) if icon is not None else None,
                                 wiring.samples())
    window.viewport = Viewport(window.welcome)
    window.compare = ComparePane(window.service, window.viewport, window.scene_style)
    window.compare.shown.connect(window.compare_shown)
    window.compare.hide()
    window.views = views = QSplitter(Qt.Orientation.Horizontal)
    views.setChildrenCollapsible(False)
    views.addWidget(window.viewport)
    views.addWidget(window.compare)
    window.part_list = PartList()
    window.part_list.hide()
    window.part_list.part_chosen.connect(window.open_path)
    window.parts = PartBrowser(window.service, window.part_list, window.request_options, window)
    central = QWidget()
    row = QHBoxLayout(central)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    row.addWidget(window.part_list)
    row.addWidget(views, 1)
    row.addWidget(window.panel)
    window.setCentralWidget(central)
    window.status = StatusBar(window)
    window.setStatusBar(window.status)


class FileDrops(QObject):
    """Parts dragged from a file manager onto `widget` are opened by `open_paths`."""

    def __init__(self, widget: QWidget, open_paths: Callable[[list[str]], object]) -> None:
        super().__init__(widget)
        self._open_paths = open_paths
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # by type, not class: a drag's enter and move events are drop events too
        if event.type() == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
            urls = event.mimeData().urls()
            if urls and urls[0].isLocalFile():
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
            if paths:
                self._open_paths(paths)
                event.acceptProposedAction()
                return True
        return False
