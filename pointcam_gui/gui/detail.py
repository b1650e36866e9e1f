"""Level of detail in the viewport: the coarse copy while the camera moves, full detail at rest.

VTK's interactor styles raise the render window's desired update rate while a drag or a wheel
step is in progress (the interactor's DesiredUpdateRate, 15 frames per second) and drop it to
the still rate when it ends. Before every frame this switch looks at that rate: a moving frame
shows the coarse copy (`render.lod`), and so does any frame until the camera has rested for
REST_MS, so that a wheel step's closing still frame does not draw the full mesh between two
moving ones. When the camera rests the full mesh is drawn once. Stepping through the classes'
heat is treated the same way (``glance``): the new class shows at once on the copy, in the
time of a moving frame, and in full REST_MS after the last step. Heat, screenshots and exports
never see the copy: the viewport asks for full detail before it grabs a picture.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from pointcam_gui.render.scene import SceneActors

REST_MS = 250  # the camera has rested this long: draw full detail


class DetailSwitch(QObject):
    def __init__(self, plotter: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plotter = plotter
        self.actors: SceneActors | None = None
        self.coarse = False  # the coarse copy is what the last frame drew
        self._pinned = False  # full detail whatever the update rate (a picture is taken)
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self.full_detail)
        plotter.ren_win.AddObserver("StartEvent", self._before_frame)

    def _before_frame(self, render_window: Any, _event: str) -> None:
        if self.actors is None or self.actors.coarse_actor is None or self._pinned:
            return
        moving = render_window.GetDesiredUpdateRate() >= 1.0  # still rate is 0.0001
        if moving:
            self._rest.start()  # (re)start: full detail REST_MS after the last moving frame
        self._show(moving or self._rest.isActive())

    def _show(self, coarse: bool) -> None:
        from pointcam_gui.render.scene import show_coarse

        # a deferred recolour (``glance``) is written into the full mesh before it is drawn
        if self.actors is not None and (coarse != self.coarse or self.actors.pending is not None):
            self.coarse = show_coarse(self.actors, coarse) and coarse

    def glance(self) -> bool:
        """The next frames show a change (another class's heat) on the coarse copy, if there
        is one, until nothing has changed for REST_MS: stepping through the classes of a big
        part then draws each in the time of a moving frame, and the last in full. True when
        they will, so that the full mesh's own arrays can wait until it is drawn."""
        if self.actors is not None and self.actors.coarse_actor is not None and not self._pinned:
            self._rest.start()
            return True
        return False

    def full_detail(self) -> None:
        """The camera rests: draw the full mesh now."""
        self._rest.stop()
        if self.coarse or (self.actors is not None and self.actors.pending is not None):
            self._show(False)
            self._plotter.render()

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Full detail for every frame inside (pictures: screenshots and the window grab)."""
        self._rest.stop()
        self._show(False)
        self._pinned = True
        try:
            yield
        finally:
            self._pinned = False
