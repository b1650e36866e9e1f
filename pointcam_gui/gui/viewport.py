"""The only GUI module that talks to pyvista/VTK, always on the GUI thread.

The 3D widget (pyvistaqt's QtInteractor) is created after the window first paints, because
importing the VTK stack takes about a second; until then, and until a part is open, the viewport
shows the welcome page. The scene itself comes from `pointcam_gui.render.scene`, as in the CLI.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStackedLayout, QWidget

from pointcam_gui.gui.detail import DetailSwitch
from pointcam_gui.gui.opengl import is_software, opengl_renderer
from pointcam_gui.render.style import SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.render.scene import SceneActors
    from pointcam_gui.render.shading import DisplayGeometry

log = logging.getLogger(__name__)


class _SwallowKeys(QObject):
    """VTK's own keys ('q' closes, 'w' wireframe, '3' stereo...) would fight the menus."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        return event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


class Viewport(QWidget):
    def __init__(self, placeholder: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(placeholder)
        self.plotter: Any = None  # pyvistaqt.QtInteractor once created
        self._actors: SceneActors | None = None
        self._style = SceneStyle()
        self._key_filter = _SwallowKeys(self)
        self.renderer: str | None = None  # the OpenGL renderer, known once the widget exists
        self.detail: DetailSwitch | None = None  # coarse copy while moving (gui.detail)

    # lifecycle ----------------------------------------------------------------------------
    def ensure_plotter(self) -> Any:
        """Create the 3D widget (imports pyvista on first use)."""
        if self.plotter is None:
            from pyvistaqt import QtInteractor

            self.renderer = opengl_renderer()
            software = self.renderer is not None and is_software(self.renderer)
            if software:  # about five times slower multisampled: off from the first frame
                log.info("software OpenGL (%s): multisampling off", self.renderer)
            plotter: Any = QtInteractor(self, auto_update=False, multi_samples=0 if software else 4)
            plotter.setAcceptDrops(False)  # drops go to the window, which opens the part
            plotter.installEventFilter(self._key_filter)
            if plotter.iren is not None:
                plotter.iren.clear_key_event_callbacks()
            self._stack.addWidget(plotter)
            self.plotter = plotter
            self.detail = DetailSwitch(plotter, self)
            from pointcam_gui.render.scene import apply_background

            apply_background(plotter, self._style.dark)
            log.debug("3D viewport ready")
        return self.plotter

    def shutdown(self) -> None:
        if self.plotter is not None:
            if self.detail is not None:
                self.detail.actors = None
            self.plotter.close()
            self.plotter = None
            self._actors = None

    def show_placeholder(self) -> None:
        """Show the placeholder widget again (the scene stays, hidden)."""
        self._stack.setCurrentIndex(0)

    @property
    def has_scene(self) -> bool:
        return self._actors is not None

    # scene --------------------------------------------------------------------------------
    def show_analysis(self, analysis: Analysis, target: int, style: SceneStyle,
                      geometry: DisplayGeometry | None = None, *,
                      keep_camera: bool = False) -> None:
        """Replace the scene with a new part; the camera goes to the style's preset, or stays
        where it is with ``keep_camera`` (the same part, explained another way)."""
        from pointcam_gui.render.scene import build_scene, one_render

        plotter = self.ensure_plotter()
        camera = plotter.camera_position if keep_camera and self._actors is not None else None
        with one_render(plotter):
            plotter.clear_actors()
            for title in list(plotter.scalar_bars.keys()):
                plotter.remove_scalar_bar(title, render=False)
        self._style = style
        self._actors = build_scene(plotter, analysis, target, style, geometry)
        assert self.detail is not None
        self.detail.actors, self.detail.coarse = self._actors, False
        if camera is not None:
            plotter.camera_position = camera
        self._stack.setCurrentWidget(plotter)
        plotter.render()
        if self.renderer is None:
            self._tune_for_renderer()

    def _tune_for_renderer(self) -> None:
        """Software OpenGL (llvmpipe in VMs, remote desktops, CI) renders multisampled frames
        about five times slower: turn multisampling off there to keep the window responsive.
        The fallback when Qt could not tell the renderer before the 3D widget was made."""
        try:
            caps = str(self.plotter.ren_win.ReportCapabilities())
        except Exception:  # a capability report is a nicety; never fail a display over it
            log.debug("no OpenGL capability report", exc_info=True)
            caps = ""
        line = next((ln for ln in caps.splitlines() if "renderer string" in ln.lower()), "")
        self.renderer = line.split(":", 1)[-1].strip() or "unknown"
        if is_software(self.renderer):
            log.info("software OpenGL (%s): multisampling off", self.renderer)
            self.plotter.ren_win.SetMultiSamples(0)
            self.plotter.render()

    def set_coarse(self, analysis: Analysis, target: int, geometry: DisplayGeometry) -> None:
        """Give the scene the coarse copy of the part drawn while the camera moves."""
        if self._actors is None or self.plotter is None:
            return
        from pointcam_gui.render.scene import add_coarse

        add_coarse(self.plotter, self._actors, analysis, target, self._style, geometry)

    def set_target(self, analysis: Analysis, target: int) -> None:
        """Recolour from the cached maps: no new actor, no inference. A big part shows the
        new class on its coarse copy first (``DetailSwitch.glance``), and its full mesh takes
        the new heat when it is next drawn."""
        if self._actors is None:
            return
        from pointcam_gui.render.scene import recolour

        glancing = self.detail is not None and self.detail.glance()
        recolour(self._actors, analysis, target, defer_full=glancing)
        self.plotter.render()

    def set_style(self, style: SceneStyle) -> None:
        from pointcam_gui.render.scene import apply_background, apply_style

        self._style = style
        if self.plotter is None:
            return
        if self._actors is not None:
            apply_style(self.plotter, self._actors, style)
        else:
            apply_background(self.plotter, style.dark)
        self.plotter.render()

    def set_camera(self, preset: str, parallel: bool) -> None:
        from pointcam_gui.render.scene import apply_camera

        if self._actors is not None:
            apply_camera(self.plotter, preset, parallel=parallel)
            self.plotter.render()

    def set_parallel(self, parallel: bool) -> None:
        if self.plotter is not None:
            if parallel:
                self.plotter.enable_parallel_projection()
            else:
                self.plotter.disable_parallel_projection()
            self.plotter.render()

    def fit(self) -> None:
        if self._actors is not None:
            self.plotter.reset_camera()
            self.plotter.render()

    def heat_scalars(self) -> np.ndarray | None:
        """The heat painted now, per display-mesh vertex (what a test compares with the core).

        Every crease-split copy of a vertex carries that vertex's value, so scattering the
        painted array back through `source` is exact.
        """
        if self._actors is None:
            return None
        geometry = self._actors.geometry
        painted = np.asarray(self._actors.mesh.point_data["heat"])
        out = np.full(int(geometry.source.max()) + 1, np.nan, dtype=painted.dtype)
        out[geometry.source] = painted
        return out

    # pictures -----------------------------------------------------------------------------
    def screenshot(self, scale: int = 1, transparent: bool = False) -> np.ndarray:
        """The rendered part as an (H,W,3|4) uint8 array, `scale` times the widget's size."""
        from pointcam_gui.render.scene import grab_image

        plotter = self.ensure_plotter()
        assert self.detail is not None
        with self.detail.pinned():
            image = grab_image(plotter, self._style.dark, scale=scale, transparent=transparent)
        self.plotter.render()  # back to the on-screen background
        return image

    def image(self) -> QImage:
        """The viewport as a QImage at its on-screen size (for the whole-window grab)."""
        current = self._stack.currentWidget()
        if self.plotter is None or current is not self.plotter:
            return current.grab().toImage() if current is not None else QImage()
        array = self.screenshot()
        h, w = array.shape[:2]
        fmt = QImage.Format.Format_RGBA8888 if array.shape[2] == 4 else QImage.Format.Format_RGB888
        qimage = QImage(array.data, w, h, array.strides[0], fmt).copy()
        if (w, h) != (self.width(), self.height()):
            qimage = qimage.scaled(self.width(), self.height(),
                                   Qt.AspectRatioMode.IgnoreAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        return qimage

    def origin_in(self, ancestor: QWidget) -> QPoint:
        return self.mapTo(ancestor, QPoint(0, 0))
