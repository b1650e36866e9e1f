"""Connecting the window's menus, side panel and welcome page to what they do.

``actions.build_menus`` makes the actions; here each is connected to the window's slot, and the
Samples and Open Recent menus are filled (and refilled as the recent files change).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pointcam_gui import resources
from pointcam_gui.gui import dialogs, exporting, presenting
from pointcam_gui.gui.actions import fill_menu
from pointcam_gui.gui.welcome import sample_title

if TYPE_CHECKING:
    from pointcam_gui.gui.main_window import MainWindow


def connect(window: MainWindow) -> None:
    """Connect every menu action and panel signal of ``window``, and fill its menus."""
    a = window.menu_actions

    def ask_and_open(folder: bool) -> None:
        start = window.settings.last_folder
        paths = [dialogs.ask_folder(window, start)] if folder else dialogs.ask_parts(window, start)
        if any(paths):
            window.open_paths(paths)

    a.open.triggered.connect(lambda: ask_and_open(False))
    a.open_folder.triggered.connect(lambda: ask_and_open(True))
    a.next_part.triggered.connect(lambda: window.step_part(+1))
    a.previous_part.triggered.connect(lambda: window.step_part(-1))
    a.quit.triggered.connect(window.close)
    a.save_screenshot.triggered.connect(lambda: exporting.save_screenshot(window))
    a.copy_image.triggered.connect(lambda: exporting.copy_image(window))
    a.export_mesh.triggered.connect(lambda: exporting.export_mesh(window))
    a.export_data.triggered.connect(lambda: exporting.export_data(window))
    a.next_class.triggered.connect(lambda: window.panel.class_list.step(+1))
    a.previous_class.triggered.connect(lambda: window.panel.class_list.step(-1))
    for preset, action in a.cameras.items():
        action.triggered.connect(lambda _=False, p=preset: window.set_camera(p))
    a.fit.triggered.connect(window.viewport.fit)
    a.parallel.setChecked(window.scene_style.parallel)
    a.parallel.toggled.connect(window.set_parallel)
    a.compare.toggled.connect(window.set_compare)

    def restyle(**change: Any) -> None:
        window.set_style(replace(window.scene_style, **change))

    a.points.toggled.connect(lambda on: restyle(show_points=on))
    a.edges.toggled.connect(lambda on: restyle(show_edges=on))
    a.dark.setChecked(window.scene_style.dark)
    a.dark.toggled.connect(lambda on: restyle(dark=on))
    for name, action in a.devices.items():
        action.setChecked(name == window.device)
        action.triggered.connect(lambda _=False, n=name: window.set_device(n))
    a.rerun.triggered.connect(window.rerun)
    a.about.triggered.connect(lambda: dialogs.show_about(window))
    window.panel.target_changed.connect(window.set_target)
    window.panel.method_changed.connect(window.set_method)
    window.panel.contrast_changed.connect(window.set_contrast)
    window.panel.faithfulness.requested.connect(lambda: presenting.measure(window))
    window.panel.style_changed.connect(window.set_style)
    window.welcome.open_requested.connect(lambda: ask_and_open(False))
    window.welcome.sample_requested.connect(window.open_path)
    fill_samples_menu(window)
    fill_recent_menu(window)
    window.analysis_shown.connect(lambda _result: fill_recent_menu(window))  # it went first


def fill_samples_menu(window: MainWindow) -> None:
    fill_menu(window.menu_actions.samples_menu,
              [(sample_title(p), str(p), str(p)) for p in samples()], window.open_path)


def fill_recent_menu(window: MainWindow) -> None:
    fill_menu(window.menu_actions.recent_menu,
              [(Path(e).name, e, e) for e in window.settings.recent_files], window.open_path,
              clear=lambda: _clear_recent(window))


def _clear_recent(window: MainWindow) -> None:
    window.settings.clear_recent()
    fill_recent_menu(window)


def samples() -> list[Path]:
    """The shipped sample parts, or none when the resources cannot be read."""
    try:
        return resources.samples()
    except (FileNotFoundError, OSError):
        return []
