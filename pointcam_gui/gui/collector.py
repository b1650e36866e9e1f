"""Python's cyclic garbage collector, run on the GUI thread only while the worker thread lives.

Python runs an automatic collection on whichever thread happens to allocate when a generation
fills up. A dead reference cycle that holds a Qt or VTK object made on the GUI thread (a closed
panel, a plotter, a window's signal connections) is then destroyed on the analysis worker, and
Qt crashes: CI saw exactly that, a segfault "Garbage-collecting" inside the worker's slot. So
while a worker exists, automatic collection is off, and a timer on the GUI thread collects by
the same generation thresholds Python would use. pyqtgraph's ``GarbageCollector`` does the same
for the same reason; it is the whole of what we would use from pyqtgraph, so it is written here.

The worker never calls ``gc.collect``; when it lets go of a part (trimesh meshes sit in
reference cycles, and big arrays never fill a generation) it asks for a full collection through
a queued signal, which lands here.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500
_users = 0  # collectors alive; automatic collection is back on when the last one stops
_was_enabled = True


class GuiThreadCollector(QObject):
    """Create on the GUI thread; `stop` (or the parent's destruction) restores automatic gc."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        global _users, _was_enabled
        super().__init__(parent)
        if _users == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _users += 1
        self._active = True
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    @Slot()
    def tick(self) -> None:
        """Collect the generations that Python itself would have collected by now."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if threshold and count > threshold:
                generation = level
            else:
                break
        if generation >= 0:
            gc.collect(generation)

    @Slot()
    def collect(self) -> None:
        """A full collection, now (a part was let go of)."""
        gc.collect()

    def stop(self) -> None:
        global _users
        if not self._active:
            return
        self._active = False
        self._timer.stop()
        _users -= 1
        if _users == 0 and _was_enabled:
            gc.enable()
