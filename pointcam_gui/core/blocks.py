"""Work over a big part's arrays in fixed blocks, on a few threads at once.

numpy lets go of the GIL inside its loops, so the blocks of a part of millions of triangles run
side by side on the machine's cores, and each block's scratch arrays stay small. The blocks are
fixed by the array's length, never by the number of threads, and the results come back in
block order: whatever a caller sums from them is the same on one thread or eight, so an analysis
stays a property of the part. Small arrays are one block, on the calling thread.

Weighed: numexpr (threads inside one expression, but the moments are many small expressions) and
torch's intra-op threads (core's sampling must not need torch: batch workers draw views without
it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

BLOCK = 1 << 17  # rows per block: ~3 MB per (BLOCK, 3) float64 array, cache-sized scratch
MAX_THREADS = 8
TEXT_BLOCK = 1 << 23  # bytes of text per block for the text readers: 8 MB, so that a 50 MB
#                       file still keeps every core busy


def default_threads() -> int:
    """What OMP_NUM_THREADS says (Ray sets it to a task's CPUs), else the cores this process
    may run on, at most MAX_THREADS."""
    told = os.environ.get("OMP_NUM_THREADS", "").strip()
    if told.isdigit() and int(told) > 0:
        return min(int(told), MAX_THREADS)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, MAX_THREADS)


_threads = default_threads()
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _forget_pool() -> None:  # a forked child has none of its parent's threads
    global _pool, _lock
    _pool, _lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def set_threads(count: int) -> None:
    """How many threads ``blockwise`` uses; batch worker processes, one per core, set 1."""
    global _threads, _pool
    with _lock:
        if count != _threads and _pool is not None:
            _pool.shutdown(wait=False)
            _pool = None
        _threads = max(1, int(count))


class Stopped(Exception):  # noqa: N818 (a signal to stop, not an error)
    """``blockwise`` was told to stop: whoever asked no longer wants the result."""


def blockwise(fn: Callable[[slice], T], length: int, block: int | None = None,
              stop: Callable[[], bool] | None = None) -> list[T]:
    """``fn`` of each block of ``range(length)`` (a slice), in block order. ``fn`` must not call
    ``blockwise`` itself: its blocks would wait for threads that wait for them. ``stop`` is
    asked before each block; once it answers True the blocks not yet begun are skipped and
    ``Stopped`` is raised (a part of millions of faces then stops within a block's time)."""
    global _pool
    block = block or BLOCK
    slices = [slice(start, min(start + block, length)) for start in range(0, length, block)]
    if stop is not None:
        fn = _stoppable(fn, stop)
    if _threads == 1 or len(slices) < 2:
        return [fn(s) for s in slices]
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_threads, thread_name_prefix="pointcam-blocks")
        pool = _pool
    return list(pool.map(fn, slices))


def _stoppable(fn: Callable[[slice], T], stop: Callable[[], bool]) -> Callable[[slice], T]:
    def block(rows: slice) -> T:
        if stop():
            raise Stopped
        return fn(rows)

    return block
