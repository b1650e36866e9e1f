"""How the window looks: one scene style kept in step everywhere, the theme, the compare pane.

The style (colour map, points, edges, dark background, camera) lives on the window; a change
reaches the menus' check marks (without echoing back), the side panel, both viewports and the
settings, and a change of background switches the whole application's light or dark theme.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from pointcam_gui.gui.theme import apply_theme, theme_for

if TYPE_CHECKING:
    from pointcam_gui.gui.main_window import MainWindow
    from pointcam_gui.render.style import SceneStyle


def check_quietly(action: QAction, on: bool) -> None:
    """Set a menu's check mark to match a change made elsewhere, without re-triggering it."""
    action.blockSignals(True)
    action.setChecked(on)
    action.blockSignals(False)


def restyle(window: MainWindow, style: SceneStyle) -> None:
    """Make ``style`` the window's, everywhere it shows, and remember it."""
    dark_changed = style.dark != window.scene_style.dark
    window.scene_style = style
    menus = window.menu_actions
    check_quietly(menus.points, style.show_points)
    check_quietly(menus.edges, style.show_edges)
    check_quietly(menus.dark, style.dark)
    window.panel.set_style(style)
    window.viewport.set_style(style)
    window.compare.set_style(style)
    if window.remember:
        window.settings.colormap = style.cmap
        window.settings.dark = style.dark
    if dark_changed:
        theme_window(window)


def set_camera(window: MainWindow, preset: str) -> None:
    """A standard view (View › Camera), kept in the style."""
    window.scene_style = replace(window.scene_style, camera=preset)
    window.viewport.set_camera(preset, window.scene_style.parallel)


def set_parallel(window: MainWindow, on: bool) -> None:
    """Parallel or perspective projection, kept in the style."""
    window.scene_style = replace(window.scene_style, parallel=on)
    window.viewport.set_parallel(on)


def theme_window(window: MainWindow) -> None:
    """The light or dark theme that goes with the window's background, on every widget."""
    theme = theme_for(window.scene_style.dark)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, theme)
    window.panel.set_theme(theme)
    window.part_list.set_theme(theme)


def show_compare(window: MainWindow, on: bool) -> None:
    """Show or hide the compare pane beside the viewport, sharing the width evenly; a shown
    pane follows the part on screen."""
    check_quietly(window.menu_actions.compare, on)
    window.compare.setVisible(on)
    if on:
        half = window.views.width() // 2
        window.views.setSizes([half, half])
    if on and window.analysis is not None and (shown := window.shown_request) is not None:
        window.compare.follow(shown.path, window.device, window.analysis)
