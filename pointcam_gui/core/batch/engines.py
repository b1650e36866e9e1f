"""Where parts are analysed: this process, worker processes, or Ray tasks.

Each engine yields ``(row, thumbnail)`` pairs as parts finish. For the verdict alone (the
default), workers or tasks only read each part and draw its views (``prepare_file``: parsing,
the risky and Python-heavy half, needs no torch), and this process runs the model on them
(``finish``), with all its cores: the rows are the same whichever engine ran, and workers start
in a fraction of a second because they never import torch or load the model. With maps or
thumbnails (the report), each worker analyses whole parts (``analyse_file``) with one thread.

Inference is per part, not stacked across parts: a part's ~32 views are already one batch, and
stacking several parts' views measured no faster on the CPU (4 parts: 0.66 s one by one,
0.56-0.71 s stacked) with bit-identical logits.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pointcam_gui.core.batch.parts import (
    BatchSettings,
    Prepared,
    analyse_file,
    classifier_for,
    empty_row,
    finish,
    prepare_file,
)
from pointcam_gui.core.errors import PointCAMError

if TYPE_CHECKING:
    from pointcam_gui.core.classifier import Classifier

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
Result = tuple[dict[str, Any], "bytes | None"]
RAY_HINT = 'the Ray engine needs the cluster extra: pip install "pointcam[cluster]"'
DIED = "the worker process analysing it died (out of memory, or a crash while reading the file)"
T = TypeVar("T")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def analyse_many(files: Sequence[Path], settings: BatchSettings, *, workers: int = 0,
                 engine: str = "local", address: str | None = None,
                 classifier: Classifier | None = None) -> Iterator[Result]:
    """Rows (and thumbnails) of ``files``, in the order they finish. ``workers`` <= 1 runs in
    this process (with ``classifier`` if given); more starts that many worker processes."""
    if engine not in ENGINES:
        raise PointCAMError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "local" and (workers <= 1 or len(files) <= 1):
        for path in files:
            yield analyse_file(path, settings, classifier=classifier)
        return
    if settings.full:
        results: Iterator[Result] = (
            _ray(files, settings, address, analyse_file) if engine == "ray" else
            _processes(files, settings, workers, analyse_file, _one_thread,
                       lambda p: (_died(p), None)))
        yield from results
        return
    clf = classifier or classifier_for(settings)
    prepared: Iterator[Prepared] = (
        _ray(files, settings, address, prepare_file) if engine == "ray" else
        _processes(files, settings, workers, prepare_file, _quiet,
                   lambda p: Prepared(_died(p), None)))
    for part in prepared:
        yield finish(part, clf), None


def _quiet() -> None:
    """A worker leaves Ctrl-C to the parent (which stops the pool and keeps what is done)
    rather than printing a traceback of its own, and works on one thread: N workers, N cores."""
    from pointcam_gui.core.blocks import set_threads

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("pointcam_gui").setLevel(logging.WARNING)
    set_threads(1)


def _one_thread() -> None:
    """A worker that runs the model gets one core's worth of threads: N workers, N cores."""
    import torch

    torch.set_num_threads(1)
    _quiet()


def _died(path: Path) -> dict[str, Any]:
    row = empty_row(path)
    row["error"] = f"{path.name}: {DIED}"
    return row


def _processes(files: Sequence[Path], settings: BatchSettings, workers: int,
               task: Callable[[Path, BatchSettings], T], start: Callable[[], None],
               died: Callable[[Path], T]) -> Iterator[T]:
    """``task`` of every file in a pool of worker processes, fed a few parts ahead. When a
    worker dies (a crash in a library on a hostile file, the kernel's out-of-memory killer) the
    parts it and its siblings held are retried one by one in a process of their own, so only
    the culprit gets ``died``, and a fresh pool takes the rest."""
    queue = list(reversed(files))  # popped from the end: in order
    while queue:
        suspects: list[Path] = []
        pool = _pool(min(workers, len(queue)), start)
        pending: dict[Future[T], Path] = {}
        try:
            while queue or pending:
                while queue and len(pending) < 4 * workers:  # enough ahead to keep them busy
                    path = queue.pop()
                    pending[pool.submit(task, path, settings)] = path
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if isinstance(future.exception(), BrokenProcessPool):
                        suspects = [pending.pop(future), *pending.values()]
                        break
                    pending.pop(future)
                    yield future.result()
                if suspects:
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for path in suspects:
            log.debug("a worker process died; retrying %s alone", path)
            yield _alone(path, settings, task, start, died)


def _pool(workers: int, start: Callable[[], None]) -> ProcessPoolExecutor:
    # spawn, not fork: the parent may already hold torch's thread pools, which fork breaks
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                               initializer=start)


def _alone(path: Path, settings: BatchSettings, task: Callable[[Path, BatchSettings], T],
           start: Callable[[], None], died: Callable[[Path], T]) -> T:
    pool = _pool(1, start)
    try:
        return pool.submit(task, path, settings).result()
    except BrokenProcessPool:
        return died(path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ray(files: Sequence[Path], settings: BatchSettings, address: str | None,
         task: Callable[..., T]) -> Iterator[T]:
    """``task(path, settings, data)`` of every file as Ray tasks; each gets the file's bytes, so
    the nodes of a cluster need not see the driver's folders."""
    try:
        import ray
    except ImportError:
        raise PointCAMError(RAY_HINT) from None
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = f"at {address}" if address else "on this machine"
            reason = " ".join(str(exc).split())[:160]
            raise PointCAMError(f"cannot start or reach a Ray cluster {where}: {reason}") from None
    try:
        remote = ray.remote(num_cpus=1)(task)
        window = max(8, 2 * int(ray.cluster_resources().get("CPU", 1)))
        queue = list(reversed(files))
        pending: dict[Any, Path] = {}
        while queue or pending:
            while queue and len(pending) < window:
                path = queue.pop()
                try:
                    data = path.read_bytes()
                except OSError:  # unreadable here: the task's row says why, made here
                    yield task(path, settings)
                    continue
                pending[remote.remote(str(path), settings, data)] = path
            if pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    del pending[ref]
                    yield ray.get(ref)
    finally:
        if started:
            ray.shutdown()
