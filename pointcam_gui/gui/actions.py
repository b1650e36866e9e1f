"""The window's menus and shortcuts, built in one place so the main window only wires intents.

Camera keys follow F3D: 1 front, 3 right, 7 top, 9 isometric.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

CAMERA_KEYS: dict[str, str] = {"front": "1", "right": "3", "top": "7", "iso": "9"}
DEVICES: tuple[tuple[str, str], ...] = (("auto", "&Auto"), ("cpu", "&CPU"), ("cuda", "C&UDA"))


@dataclass
class WindowActions:
    open: QAction
    open_folder: QAction
    next_part: QAction
    previous_part: QAction
    recent_menu: QMenu
    samples_menu: QMenu
    save_screenshot: QAction
    copy_image: QAction
    export_mesh: QAction
    export_data: QAction
    quit: QAction
    next_class: QAction
    previous_class: QAction
    cameras: dict[str, QAction]
    fit: QAction
    parallel: QAction
    compare: QAction
    points: QAction
    edges: QAction
    dark: QAction
    devices: dict[str, QAction]
    rerun: QAction
    about: QAction

    @property
    def needs_analysis(self) -> tuple[QAction, ...]:
        """Actions that only make sense once a part is shown."""
        return (self.save_screenshot, self.copy_image, self.export_mesh, self.export_data,
                self.next_class, self.previous_class, self.fit, self.rerun,
                *self.cameras.values())


def _action(window: QMainWindow, text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "", checkable: bool = False) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.setCheckable(checkable)
    return action


def build_menus(window: QMainWindow) -> WindowActions:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    open_action = _action(window, "&Open…", QKeySequence.StandardKey.Open,
                          "Open CAD parts (several files fill the part list)")
    open_folder = _action(window, "Open &Folder…", "Ctrl+Shift+O",
                          "Open every part in a folder and its sub-folders as a part list")
    file_menu.addAction(open_action)
    file_menu.addAction(open_folder)
    samples_menu = file_menu.addMenu("Open &Sample")
    recent_menu = file_menu.addMenu("Open &Recent")
    file_menu.addSeparator()
    next_part = _action(window, "Ne&xt Part", QKeySequence.StandardKey.MoveToNextPage,
                        "Show the next part of the part list")
    previous_part = _action(window, "Pre&vious Part", QKeySequence.StandardKey.MoveToPreviousPage,
                            "Show the previous part of the part list")
    file_menu.addAction(next_part)
    file_menu.addAction(previous_part)
    file_menu.addSeparator()
    save_screenshot = _action(window, "Save &Screenshot…", "Ctrl+S",
                              "Save the viewport as PNG or JPG")
    copy_image = _action(window, "&Copy Image", "Ctrl+Shift+C", "Copy the viewport picture")
    export_mesh = _action(window, "Export Heat &Mesh…", "Ctrl+E",
                          "Save the heat-coloured part as PLY or GLB")
    export_data = _action(window, "Export Heat &Data…", "Ctrl+Shift+E",
                          "Save per-point heat and class probabilities as CSV or JSON")
    for action in (save_screenshot, copy_image, export_mesh, export_data):
        file_menu.addAction(action)
    file_menu.addSeparator()
    quit_action = _action(window, "&Quit", QKeySequence.StandardKey.Quit)
    file_menu.addAction(quit_action)

    class_menu = bar.addMenu("&Class")
    next_class = _action(window, "&Next Class", "]", "Explain the next class in the list")
    previous_class = _action(window, "&Previous Class", "[",
                             "Explain the previous class in the list")
    class_menu.addAction(next_class)
    class_menu.addAction(previous_class)

    view_menu = bar.addMenu("&View")
    cameras: dict[str, QAction] = {}
    for preset, label in (("iso", "&Isometric"), ("front", "&Front"), ("top", "&Top"),
                          ("right", "&Right")):
        cameras[preset] = _action(window, label, CAMERA_KEYS[preset], f"{label[1:]} view")
        view_menu.addAction(cameras[preset])
    fit = _action(window, "Fit to &View", "F", "Fit the part in the view")
    parallel = _action(window, "&Orthographic", "O", "Orthographic projection", checkable=True)
    compare = _action(window, "&Compare Side by Side", "C",
                      "A second view of the part, same camera: another method, class or "
                      "contrast", checkable=True)
    view_menu.addAction(fit)
    view_menu.addAction(parallel)
    view_menu.addAction(compare)
    view_menu.addSeparator()
    points = _action(window, "Sampled &Points", "P", "Show the sampled points", checkable=True)
    edges = _action(window, "&Edges", "E", "Show mesh edges", checkable=True)
    dark = _action(window, "&Dark Theme", "Ctrl+D", "Dark window and background",
                   checkable=True)
    for action in (points, edges, dark):
        view_menu.addAction(action)

    device_menu = bar.addMenu("&Device")
    group = QActionGroup(window)
    group.setExclusive(True)
    devices: dict[str, QAction] = {}
    for name, label in DEVICES:
        devices[name] = _action(window, label, None, f"Run the model on {name}", checkable=True)
        group.addAction(devices[name])
        device_menu.addAction(devices[name])
    device_menu.addSeparator()
    rerun = _action(window, "&Re-run Analysis", "F5", "Analyse the current part again")
    device_menu.addAction(rerun)
    device_menu.setToolTipsVisible(True)

    help_menu = bar.addMenu("&Help")
    about = _action(window, "&About PointCAM")
    help_menu.addAction(about)
    return WindowActions(open_action, open_folder, next_part, previous_part, recent_menu,
                         samples_menu, save_screenshot, copy_image, export_mesh, export_data,
                         quit_action, next_class, previous_class,
                         cameras, fit, parallel, compare, points, edges, dark, devices, rerun,
                         about)


def fill_menu(menu: QMenu, entries: list[tuple[str, str, str]], open_path: Callable[[str], object],
              clear: Callable[[], None] | None = None) -> None:
    """Refill a menu of files: (title, path, status tip) entries that open their path, and a
    "Clear Recent Files" entry when ``clear`` is given; disabled when empty."""
    menu.clear()
    for title, path, tip in entries:
        menu.addAction(title, partial(open_path, path)).setStatusTip(tip)
    if clear is not None and not menu.isEmpty():
        menu.addSeparator()
        menu.addAction("Clear Recent Files", clear)
    menu.setEnabled(not menu.isEmpty())
