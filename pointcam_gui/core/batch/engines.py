"""Where the per-part function runs: this process, worker processes, or Ray tasks.

Each engine yields ``(row, thumbnail)`` pairs as parts finish. Every part is analysed whole by
``analyse_file`` wherever it runs (loading, sampling, the forward pass of its views), so the
engines differ only in where, never in what: for the same inputs the rows are the same.

Why whole parts per worker rather than loading in workers and batching inference across parts
in one process: on the CPU a part's 32 views are already one batch, and stacking several parts'
views measured no faster (4 parts: 0.66 s one by one, 0.56-0.71 s stacked) with bit-identical
logits; the forward pass, not loading, is most of a part's time, so it is what must run in
parallel. On a GPU the other split would pay; see docs/benchmarks.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pointcam_gui.core.batch.parts import BatchSettings, analyse_file
from pointcam_gui.core.errors import PointCAMError

if TYPE_CHECKING:
    from pointcam_gui.core.classifier import Classifier

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
Result = tuple[dict[str, Any], "bytes | None"]
RAY_HINT = 'the Ray engine needs the cluster extra: pip install "pointcam[cluster]"'


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def analyse_many(files: Sequence[Path], settings: BatchSettings, *, workers: int = 0,
                 engine: str = "local", address: str | None = None,
                 classifier: Classifier | None = None) -> Iterator[Result]:
    """Rows (and thumbnails) of ``files``, in the order they finish. ``workers`` <= 1 runs in
    this process (with ``classifier`` if given); more starts that many processes."""
    if engine == "ray":
        yield from _ray(files, settings, address)
    elif engine != "local":
        raise PointCAMError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    elif workers <= 1 or len(files) <= 1:
        for path in files:
            yield analyse_file(path, settings, classifier=classifier)
    else:
        yield from _processes(files, settings, workers)


def _start_worker() -> None:
    """Each worker process gets one core's worth of threads: N workers share N cores."""
    import torch

    torch.set_num_threads(1)
    logging.getLogger("pointcam_gui").setLevel(logging.WARNING)


def _processes(files: Sequence[Path], settings: BatchSettings, workers: int) -> Iterator[Result]:
    """A pool of worker processes, fed a few parts ahead. When a worker dies (a crash in a
    library on a hostile file, the kernel's out-of-memory killer) the parts it and its siblings
    held are retried one by one in a process of their own, so only the culprit gets the error
    row, and a fresh pool takes the rest."""
    queue = list(reversed(files))  # popped from the end: in order
    while queue:
        suspects: list[Path] = []
        pool = _pool(min(workers, len(queue)))
        pending: dict[Future[Result], Path] = {}
        try:
            while queue or pending:
                while queue and len(pending) < 4 * workers:  # enough ahead to keep them busy
                    path = queue.pop()
                    pending[pool.submit(analyse_file, path, settings)] = path
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.exception() is not None:  # only a dead worker raises here
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
            yield _alone(path, settings)


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent may already hold torch's thread pools, which fork breaks
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                               initializer=_start_worker)


def _alone(path: Path, settings: BatchSettings) -> Result:
    pool = _pool(1)
    try:
        return pool.submit(analyse_file, path, settings).result()
    except BrokenProcessPool:
        return _crashed(path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _crashed(path: Path) -> Result:
    return ({"file": str(path), "sha256": None, "faces": None, "bounding_box": None,
             "predicted": None, "probabilities": None, "novelty": None, "unfamiliar": None,
             "timings_ms": {}, "error": f"{path.name}: the worker process analysing it died "
                                        "(out of memory, or a crash while reading the file)"},
            None)


def _ray(files: Sequence[Path], settings: BatchSettings, address: str | None) -> Iterator[Result]:
    """The same per-part function as Ray tasks; each task gets the file's bytes, so the nodes of
    a cluster need not see the driver's folders."""
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
        task = ray.remote(num_cpus=1)(analyse_file)
        window = max(8, 2 * int(ray.cluster_resources().get("CPU", 1)))
        queue = list(reversed(files))
        pending: dict[Any, Path] = {}
        while queue or pending:
            while queue and len(pending) < window:
                path = queue.pop()
                try:
                    data = path.read_bytes()
                except OSError:  # unreadable here: its row says why, made here
                    yield analyse_file(path, settings.without_thumbnails())
                    continue
                pending[task.remote(str(path), settings, data)] = path
            if pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    del pending[ref]
                    yield ray.get(ref)
    finally:
        if started:
            ray.shutdown()
