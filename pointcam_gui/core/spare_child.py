"""A spare loader child for ``isolated_load``: started a moment after each read and warmed up,
so that when a read is cancelled (another part asked for) the next one starts at once; a fresh
child needs about a second to start and import what a read needs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)
SPARE_AFTER_S = 3.0  # after a read, when the spare child is started

Child = tuple[Any, Connection]  # a process and the parent's end of its pipe


class Spare:
    """The spare child of one loader, guarded by that loader's lock."""

    def __init__(self, spawn: Callable[[], Child], lock: threading.Lock, enabled: bool) -> None:
        self._spawn, self._lock = spawn, lock
        self.enabled = enabled
        self.child: Child | None = None
        self._timer: threading.Timer | None = None

    def later(self) -> None:
        """Start the spare SPARE_AFTER_S from now: after the part just read is on screen, not
        beside its heat and its hand-over to VTK (a child's start and warm-up take about a
        second of a core)."""
        with self._lock:
            if not self.enabled:
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(SPARE_AFTER_S, self.ready)
            self._timer.daemon = True
            self._timer.start()

    def ready(self) -> None:
        """Start the spare child, unless there is one alive or the loader was closed. A spare
        only saves time: if it cannot be started, the next read starts a child as before."""
        with self._lock:
            if self.enabled and (self.child is None or not self.child[0].is_alive()):
                try:
                    self.child = self._spawn()
                except Exception:  # on the timer's thread: nothing to tell the user
                    log.debug("the spare loader child could not be started", exc_info=True)

    def take(self) -> Child | None:
        """The spare child, if it is alive, handed over to be the loader's own (call with the
        lock held)."""
        child, self.child = self.child, None
        return child if child is not None and child[0].is_alive() else None

    def close(self) -> Child | None:
        """Start no more spares; the one there is, for the caller to end."""
        with self._lock:
            self.enabled = False  # a timer that fires after this starts nothing
            if self._timer is not None:
                self._timer.cancel()
            child, self.child = self.child, None
        return child
