"""The loader's child process: one part at a time read, its views drawn, welded, and (when
asked) its display built; the arrays handed to the parent in shared memory (``share`` here,
``take`` there: one copy out, no pickling of big arrays). ``isolated_load`` runs it.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pointcam_gui.core.errors import reading_failure

if TYPE_CHECKING:
    import trimesh


def serve(conn: Connection, load: Callable[..., trimesh.Trimesh],
          display: Callable[[trimesh.Trimesh], Any] | None = None, warm: bool = False) -> None:
    """The child's loop: a path (and what views to draw, or None) in; the views, when asked,
    then shared-memory names of the mesh (or a one-line error) out; with ``display``, then
    its result's arrays (or None if it failed or returned None: the parent builds it).
    ``warm``: import what a read needs before waiting for the first one (a spare child)."""
    logging.getLogger("trimesh").setLevel(logging.ERROR)
    if warm:
        _warm_up()
    while True:
        try:
            path, views = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if views is None:
                mesh = load(path, welded=True)
            else:  # the views first, from the unwelded read; the weld only the display needs
                from pointcam_gui.core.prefetch import views_of
                from pointcam_gui.core.welding import welded

                t0 = time.perf_counter()
                mesh = load(path, welded=False)
                load_ms = (time.perf_counter() - t0) * 1000
                # the weld beside the views: neither keeps two cores busy alone (5M faces:
                # 1.5 + 1.6 s one after the other, 2.2-2.4 s side by side, measured)
                with ThreadPoolExecutor(1, thread_name_prefix="pointcam-weld") as pool:
                    welding = pool.submit(welded, mesh)
                    conn.send(("views", views_of(mesh, Path(path).name, views, load_ms)))
                    mesh = welding.result()
            conn.send(("ok", share((mesh.vertices, mesh.faces), (np.float64, np.int64))))
        except Exception as exc:  # the part's reason, or a parser's bug: one line either way
            conn.send(("error", str(reading_failure(Path(path).name, exc))))
            continue
        if display is not None:
            conn.send(("shown", _display_blocks(display, mesh)))


def _warm_up() -> None:
    """Import what reading, drawing the views, welding and a display need (about 0.7 s in a
    fresh child, measured), so that a spare child's first read pays none of it."""
    # imported, not used here: the modules stay loaded for the reads to come
    import scipy.sparse.csgraph
    import scipy.spatial  # noqa: F401
    import trimesh  # noqa: F401

    from pointcam_gui.core import mesh_io, prefetch, refine, welding  # noqa: F401


def _display_blocks(display: Callable[[trimesh.Trimesh], Any], mesh: trimesh.Trimesh
                    ) -> tuple[type, list[tuple[str, Any]]] | None:
    """``display(mesh)``'s class and its fields, arrays in shared memory; None if it fails or
    has nothing to send."""
    try:
        made = display(mesh)
        if made is None:
            return None
        names = [f.name for f in fields(made)]
        values = [getattr(made, name) for name in names]
        return type(made), list(zip(names, share(values, [None] * len(values)), strict=True))
    except Exception:  # the parent builds it itself, and reports what goes wrong
        return None


def block_prefix(pid: int) -> str:
    """How the names of the shared memory blocks made by the child ``pid`` begin, so that
    the parent can free those no one took once it has ended that child (``release_blocks``)."""
    return f"pcam{pid}_"


def share(arrays: Sequence[Any], dtypes: Sequence[Any]) -> list[tuple[str, tuple[int, ...], str]]:
    """Each array copied into a new shared memory block (in ``dtypes``; None keeps its own):
    the blocks' names, shapes and dtypes, for ``take``."""
    blocks = []
    for values, dtype in zip(arrays, dtypes, strict=True):
        array = np.ascontiguousarray(values, dtype)
        block = _new_block(max(array.nbytes, 1))
        np.ndarray(array.shape, array.dtype, buffer=block.buf)[...] = array
        blocks.append((block.name, array.shape, array.dtype.str))
        block.close()
    return blocks


def _new_block(size: int) -> SharedMemory:
    """A new shared memory block named after this process (``block_prefix``)."""
    while True:
        try:
            return SharedMemory(f"{block_prefix(os.getpid())}{secrets.token_hex(4)}",
                                create=True, size=size)
        except FileExistsError:  # one in four billion: draw another name
            continue


def release_blocks(pid: int) -> int:
    """Free the blocks the ended child ``pid`` made that no one took: a read cancelled or
    dropped after the child had answered leaves them, and each holds memory (a 5M-face
    part's display: about 200 MB) until the app exits. Linux lists them in /dev/shm; where
    they cannot be listed, multiprocessing's resource tracker frees them at exit. The number
    freed."""
    folder = Path("/dev/shm")
    if not folder.is_dir():
        return 0
    freed = 0
    for entry in folder.glob(f"{block_prefix(pid)}*"):
        try:
            block = SharedMemory(name=entry.name)
            block.close()
            block.unlink()
        except OSError:  # gone meanwhile
            continue
        freed += 1
    return freed


def load_part(path: str, welded: bool = True) -> trimesh.Trimesh:
    from pointcam_gui.core.mesh_io import load_mesh

    return load_mesh(path, welded=welded)


def take(name: str, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Copy an array out of the child's shared memory block, then free the block."""
    block = SharedMemory(name=name)
    try:
        return np.ndarray(shape, np.dtype(dtype), buffer=block.buf).copy()
    finally:
        block.close()
        block.unlink()
