"""Blocks on threads: results in block order, and the same sums on one thread or several."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import blocks, welding
from pointcam_gui.core.sampling import SurfaceSampler, part_frames


@pytest.fixture
def threads() -> Iterator[None]:
    yield
    blocks.set_threads(2)


def test_blockwise_returns_every_block_in_order_and_one_thread_stays_on_the_caller(
        threads: None) -> None:
    blocks.set_threads(3)
    seen = blocks.blockwise(lambda rows: (rows.start, rows.stop), 10, block=3)
    assert seen == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert blocks.blockwise(lambda rows: 1, 0) == []
    blocks.set_threads(1)
    names = blocks.blockwise(lambda rows: threading.current_thread().name, 10, block=3)
    assert set(names) == {threading.current_thread().name}


def test_a_part_gets_the_same_frames_bit_for_bit_on_one_thread_or_several(
        threads: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "BLOCK", 97)  # many blocks even for a small part
    monkeypatch.setattr(welding, "_SLOT_BLOCK", 50)  # fuse's tables and running counts too
    part = trimesh.creation.annulus(r_min=3, r_max=7, height=2, sections=64)
    part.apply_translation((40.0, -3.0, 11.0))
    results = []
    for count in (1, 2, 4):
        blocks.set_threads(count)
        sampler = SurfaceSampler(part)
        frames = part_frames(sampler)
        vertices, faces = welding.fuse(np.asarray(part.triangles))
        results.append((sampler.areas, sampler.moments.second, sampler.moments.third,
                        [f.center for f in frames], [f.scale for f in frames], vertices, faces))
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork here")
def test_a_forked_child_gets_threads_of_its_own(threads: None) -> None:
    import multiprocessing

    blocks.set_threads(2)
    blocks.blockwise(lambda rows: None, 10, block=3)  # the parent's pool exists
    with multiprocessing.get_context("fork").Pool(1) as pool:
        result = pool.apply_async(blocks.blockwise, (_span, 10, 3))
        assert result.get(timeout=20) == [3, 3, 3, 1]


def _span(rows: slice) -> int:
    return rows.stop - rows.start


def test_the_default_follows_omp_num_threads_as_ray_sets_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert blocks.default_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "64")
    assert blocks.default_threads() == blocks.MAX_THREADS
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= blocks.default_threads() <= blocks.MAX_THREADS


@pytest.mark.parametrize("count", [1, 2])
def test_blockwise_skips_the_blocks_not_begun_once_told_to_stop(
        threads: None, count: int) -> None:
    blocks.set_threads(count)
    done: list[int] = []

    def work(rows: slice) -> int:
        done.append(rows.start)
        return rows.start

    with pytest.raises(blocks.Stopped):
        blocks.blockwise(work, 1000, block=10, stop=lambda: len(done) >= 3)
    assert 3 <= len(done) <= 3 + count  # a block begun runs to its end; no new ones begin
    assert blocks.blockwise(work, 30, block=10, stop=lambda: False) == [0, 10, 20]
