"""A part read and its views drawn in a child process, while this one imports torch.

``pointcam explain`` spends about two seconds importing torch and loading the model, and on a
big part as long again reading the file and drawing the stable analysis's views, which need
neither (``sampling.stable_views`` is numpy). Run one after the other they add up; run side by
side, on two cores, a part costs about the longer of the two. The child is forked, so it starts
at once with numpy already imported and before torch is (a part a fast reader takes needs no
trimesh either: ``mesh_io.read_triangles``); where fork is not the platform's way (Windows,
macOS) the part is read in this process when it is asked for, as before. A parser that crashes
the child costs a one-line error, never the command.
"""

from __future__ import annotations

import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import numpy as np

from pointcam_gui.core.errors import MeshLoadError, reading_failure
from pointcam_gui.core.mesh_io import read_triangles
from pointcam_gui.core.sampling import Normalization, Surface, stable_views


@dataclass(frozen=True)
class Drawn:
    """A part's stable views, drawn for one (points, normalization, seed, max_views)."""

    world: np.ndarray  # (S, N, 3) float64: the samplings in the part's coordinates
    views: np.ndarray  # (S*F, N, 3) float32: the same points in every allowed model frame
    frames: tuple[Normalization, ...]
    key: tuple[int, str, int, int | None]  # (num_points, normalization, seed, max_views)
    timings_ms: dict[str, float] = field(default_factory=dict)  # "load", "sample"


def views_key(num_points: int, normalization: str, seed: int, method: str
              ) -> tuple[int, str, int, int | None]:
    """``Drawn.key`` of the views an analysis by ``method`` needs (``Classifier.views_key``)."""
    from pointcam_gui.core.explain.catalogue import method_info

    return num_points, normalization, seed, method_info(method).max_views


def draw(path: str | Path, num_points: int, normalization: str, seed: int,
         max_views: int | None = None) -> Drawn:
    """Read the part (unwelded: the views are the same without the weld) and draw its views."""
    t0 = time.perf_counter()
    part = read_triangles(path, welded=False)
    return views_of(part, Path(path).name, (num_points, normalization, seed, max_views),
                    load_ms=(time.perf_counter() - t0) * 1000)


def views_of(mesh: Surface, name: str, key: tuple[int, str, int, int | None],
             load_ms: float = 0.0) -> Drawn:
    """The stable views of a part already read, for ``key`` = (points, normalization, seed,
    max_views); a part that cannot be sampled is ``name``'s one-line MeshLoadError."""
    t0 = time.perf_counter()
    try:
        world, views, frames = stable_views(mesh, *key)
    except ValueError as exc:
        raise MeshLoadError(f"{name}: cannot sample the part: {exc}") from None
    return Drawn(world, views, tuple(frames), key,
                 {"load": load_ms, "sample": (time.perf_counter() - t0) * 1000})


def _child(conn: Connection, args: tuple[str, int, str, int, int | None]) -> None:
    """Draw and send the views, or the one-line reason they cannot be drawn. Ctrl-C is the
    parent's to handle: it stops this child, which must not print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        conn.send((True, draw(*args)))
    except Exception as exc:  # the part's reason, or a parser's bug: one line either way
        conn.send((False, reading_failure(Path(args[0]).name, exc)))
    finally:
        conn.close()


class Prefetch:
    """``draw`` started now in a forked child; ``result()`` waits for it (or, without fork,
    runs it then, in this process). ``close()`` stops a child whose result is not wanted."""

    def __init__(self, path: str | Path, num_points: int, normalization: str, seed: int,
                 max_views: int | None = None) -> None:
        self._args = (str(path), num_points, normalization, seed, max_views)
        self._child: BaseProcess | None = None
        if sys.platform.startswith("linux"):
            ctx = get_context("fork")
            self._conn, theirs = ctx.Pipe(duplex=False)
            self._child = ctx.Process(target=_child, args=(theirs, self._args), daemon=True)
            self._child.start()
            theirs.close()

    def result(self) -> Drawn:
        """The drawn views; the part's own error (``MeshLoadError``) if it cannot be read."""
        if self._child is None:
            return draw(*self._args)
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError):
            raise MeshLoadError(f"{Path(self._args[0]).name}: the reader stopped unexpectedly "
                                "(the file may be corrupt)") from None
        finally:
            self.close()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self._child is not None:
            self._conn.close()
            if self._child.is_alive():
                self._child.terminate()
            self._child.join()
            self._child = None
