"""Part files parsed in a child process: a crash, a hang or a runaway allocation in a parser
(trimesh's loaders, OpenCASCADE, zip and XML) costs that file a one-line error, not the viewer.

One long-lived loader process (``loader_child``) imports trimesh once and serves one file at a
time. The arrays come back through shared memory (one copy out, no pickling of big arrays). The
process is killed and started again on a timeout, on ``cancel`` (another file was asked for),
or when it dies; the next file then opens in a fresh one. Qt-free: the viewer's worker thread
calls ``read`` and the GUI thread may call ``cancel`` at any time.

A loader made with a ``display`` function also builds what the viewport draws in the child,
after handing over the mesh: the parent paints the heat meanwhile, in another process, so the
two neither queue on the parent's GIL nor wait for each other.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pointcam_gui.core.errors import MeshLoadError, PointCAMError
from pointcam_gui.core.loader_child import load_part, release_blocks, serve, take
from pointcam_gui.core.spare_child import Child, Spare

if TYPE_CHECKING:  # imported where used: the viewer imports this module before it paints
    import trimesh

    from pointcam_gui.core.prefetch import Drawn

log = logging.getLogger(__name__)
TIMEOUT_S = 600.0  # a part that takes longer to parse than this is treated as a hang
_POLL_S = 0.05


class LoadCancelledError(PointCAMError):
    """The load was cancelled because another part was asked for."""


@dataclass(frozen=True)
class Loaded:
    mesh: trimesh.Trimesh
    shown: Any = None  # the ``display`` function's dataclass of arrays, or None


class IsolatedLoader:
    """``load_mesh`` in a child process that can be killed: ``load``, ``cancel``, ``close``."""

    def __init__(self, load: Callable[..., trimesh.Trimesh] = load_part,
                 timeout_s: float = TIMEOUT_S,
                 display: Callable[[trimesh.Trimesh], Any] | None = None,
                 spare: bool = False) -> None:
        # load(path, welded=...) and display(mesh): picklable top-level functions (tests pass
        # their own); display returns a dataclass of arrays, built in the child after the mesh,
        # or None where the parent had better build it
        self._load, self._display = load, display
        self.timeout_s = timeout_s
        self._lock = threading.Lock()  # guards the process handle between threads
        self._process: Any = None
        self._conn: Connection | None = None
        # spare: a second child, started once a read has finished and warmed up, that takes
        # over at once when a read is cancelled (a fresh child needs about a second first)
        self._spare = Spare(lambda: self._spawn(warm=True), self._lock, enabled=spare)
        self._cancelled = threading.Event()
        # the read the child was asked for and has not answered: (path, views, monotonic time
        # it was sent); a load of the same part takes it over, any other load restarts the child
        self._asked: tuple[str, Any, float] | None = None
        # children ended since the last read: their untaken shared memory is freed by the
        # reading thread before its next read (never while it may still be taking a block)
        self._ended: list[int] = []

    def start(self) -> None:
        """Start the child now (it imports trimesh while the window opens)."""
        with self._lock:
            self._ensure()

    def prefetch(self, path: str | Path, views: tuple[int, str, int, int | None] | None = None
                 ) -> None:
        """Have the child start reading ``path`` now, from any thread (the window, while the
        worker still loads the model); the ``load`` of the same part and views that follows
        takes the read over. Nothing happens while another read is under way."""
        with self._lock:
            self._ensure()
            if self._asked is None:
                self._ask(path, views)  # if it fails, the load that follows says so

    def _ask(self, path: str | Path, views: Any) -> bool:
        """Send the child a read, with the lock held; whether it could be sent."""
        try:
            assert self._conn is not None
            self._conn.send((str(path), views))
        except (OSError, ValueError):
            return False
        self._asked = (str(path), views, time.monotonic())
        return True

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        spare = self._spare.take()
        self._process, self._conn = spare if spare is not None else self._spawn(warm=False)

    def _spawn(self, warm: bool) -> Child:
        ctx = get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(target=serve, args=(child, self._load, self._display, warm),
                              daemon=True, name="pointcam-loader")
        process.start()
        child.close()
        return process, parent

    def load(self, path: str | Path, views: tuple[int, str, int, int | None] | None = None,
             on_views: Callable[[Drawn], None] | None = None) -> trimesh.Trimesh:
        """``read``'s mesh."""
        return self.read(path, views, on_views).mesh

    def read(self, path: str | Path, views: tuple[int, str, int, int | None] | None = None,
             on_views: Callable[[Drawn], None] | None = None,
             on_mesh: Callable[[trimesh.Trimesh], None] | None = None) -> Loaded:
        """The part at ``path``, or MeshLoadError (also when the child crashes or hangs), or
        LoadCancelledError. With ``views`` (``prefetch.Drawn.key``) the child first draws the
        part's stable views from the unwelded read and ``on_views`` gets them, in this thread,
        while the child welds the part: the model runs while the display mesh is made. With a
        ``display`` function, ``on_mesh`` gets the mesh while the child builds the display."""
        name = Path(path).name
        self._cancelled.clear()
        self._release_ended()
        conn: Connection | None = None
        mine: tuple[str, Any, float] | None = None
        while True:  # take over the read already asked for this part, or ask for it
            with self._lock:
                self._ensure()
                if self._asked is None and not self._ask(path, views):
                    break
                conn, mine = self._conn, self._asked
                if mine is not None and mine[:2] == (str(path), views):
                    break
            self._restart()  # asked for another part, no longer wanted: its answer is stale
        if conn is None or mine is None:
            self._restart()
            raise MeshLoadError(f"{name}: the file reader could not be started")
        deadline = mine[2] + self.timeout_s
        try:
            status, payload = self._answer(conn, name, deadline, on_views)
            if status == "error":
                raise MeshLoadError(str(payload))
            import trimesh

            vertices, faces = (take(*block) for block in payload)
            mesh = trimesh.Trimesh(vertices, faces, process=False)
            loaded = Loaded(mesh, None if self._display is None else
                            self._shown(conn, name, deadline, mesh, on_mesh))
            self._spare.later()
            return loaded
        finally:
            with self._lock:
                if self._asked is mine:  # not a read asked for since a restart
                    self._asked = None

    def _answer(self, conn: Connection, name: str, deadline: float,
                on_views: Callable[[Drawn], None] | None) -> tuple[str, Any]:
        """The child's answer to one read, handing its views (if any) to ``on_views``."""
        while True:
            status, payload = self._receive(conn, name, deadline)
            if status != "views":
                return status, payload
            self._hand(on_views, payload)

    def _shown(self, conn: Connection, name: str, deadline: float, mesh: trimesh.Trimesh,
               on_mesh: Callable[[trimesh.Trimesh], None] | None) -> Any:
        """``on_mesh(mesh)`` while the child builds the display, then the display, or None
        where the child could not build it (the caller then does)."""
        self._hand(on_mesh, mesh)
        try:
            status, payload = self._receive(conn, name, deadline)
        except LoadCancelledError:
            raise
        except MeshLoadError:  # the child died building it: the mesh is read all the same
            log.debug("the loader's child failed to build the display of %s", name)
            return None
        if status != "shown" or payload is None:
            return None
        kind, blocks = payload
        return kind(**{field: take(*block) for field, block in blocks})

    def _hand(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        """``callback(value)`` in this thread while the child goes on; if it raises, what the
        child sends next belongs to no one: end the child."""
        try:
            if callback is not None:
                callback(value)
        except BaseException:
            self._restart()
            raise

    def _receive(self, conn: Connection, name: str, deadline: float) -> tuple[str, Any]:
        """The child's next message, waiting in short polls so that ``cancel`` ends it."""
        while True:
            if self._cancelled.is_set():
                raise LoadCancelledError(f"{name}: loading cancelled")
            try:
                if conn.poll(_POLL_S):
                    message: tuple[str, Any] = conn.recv()
                    return message
            except (EOFError, OSError, ValueError):  # the child died, or was killed
                if self._cancelled.is_set():
                    raise LoadCancelledError(f"{name}: loading cancelled") from None
                self._restart()
                raise MeshLoadError(f"{name}: the file reader crashed on this file (out of "
                                    "memory, or a fault in a parser)") from None
            if time.monotonic() > deadline:
                self._restart()
                raise MeshLoadError(f"{name}: reading took longer than "
                                    f"{self.timeout_s:.0f} s; given up")

    def cancel(self) -> None:
        """Stop the load in progress, if any (from any thread): it raises LoadCancelledError."""
        self._cancelled.set()
        self._restart()

    def _restart(self) -> None:
        with self._lock:
            process, conn = self._process, self._conn
            self._process = self._conn = None
            self._asked = None
        if process is not None:
            _end(process, conn)
            with self._lock:  # once it is dead: it makes no block after its leftovers are freed
                self._ended.append(process.pid)

    def _release_ended(self) -> None:
        """Free what the children ended since the last read left in shared memory."""
        with self._lock:
            alive = {p.pid for p in (self._process, self._spare.child and self._spare.child[0])
                     if p}
            ended = [pid for pid in self._ended if pid not in alive]  # a pid used again
            self._ended.clear()
        for pid in ended:
            if release_blocks(pid):
                log.debug("freed the shared memory a cancelled read left (child %d)", pid)

    def close(self) -> None:
        self._restart()
        spare = self._spare.close()
        if spare is not None:
            _end(*spare)
            with self._lock:
                self._ended.append(spare[0].pid)
        self._release_ended()


def _end(process: Any, conn: Connection | None) -> None:
    """Kill a child (if it still runs) and close its pipe."""
    if process.is_alive():
        process.kill()
        process.join(timeout=5)
    if conn is not None:
        conn.close()
