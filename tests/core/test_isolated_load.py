"""Parsing in a child process: a crash, a hang or a cancel costs one file, never the caller."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import spare_child
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.isolated_load import IsolatedLoader, LoadCancelledError
from pointcam_gui.core.mesh_io import load_mesh
from pointcam_gui.core.prefetch import Drawn, draw


def _hostile_load(path: str, welded: bool = True) -> trimesh.Trimesh:
    """load_mesh, except that files named crash* kill the process and hang* never return."""
    name = Path(path).name
    if name.startswith("crash"):
        os._exit(7)
    if name.startswith("hang"):
        time.sleep(600)
    if name.startswith("bug"):
        raise RuntimeError("a parser bug")
    return load_mesh(path, welded=welded)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("part", "crash", "hang", "bug"):
        out[name] = tmp_path / f"{name}.stl"
        trimesh.creation.box(extents=(3, 2, 1)).export(out[name])
    (tmp_path / "broken.stl").write_bytes(b"solid x\nnot an stl\n")
    out["broken"] = tmp_path / "broken.stl"
    return out


@pytest.fixture
def loader() -> Iterator[IsolatedLoader]:
    lo = IsolatedLoader(_hostile_load, timeout_s=3.0)
    yield lo
    lo.close()


def test_a_part_comes_back_as_load_mesh_reads_it(loader: IsolatedLoader,
                                                 files: dict[str, Path]) -> None:
    mesh, expected = loader.load(files["part"]), load_mesh(files["part"])
    np.testing.assert_array_equal(mesh.vertices, expected.vertices)
    np.testing.assert_array_equal(mesh.faces, expected.faces)


def test_errors_crashes_and_hangs_are_one_line_and_the_next_file_opens(
        loader: IsolatedLoader, files: dict[str, Path]) -> None:
    cases = {"broken": "broken.stl: ", "bug": "internal error while reading: a parser bug",
             "crash": "the file reader crashed on this file", "hang": "longer than 3 s"}
    for name, fragment in cases.items():
        with pytest.raises(MeshLoadError, match=fragment) as caught:
            loader.load(files[name])
        assert "\n" not in str(caught.value)
        assert len(loader.load(files["part"]).faces) == 12  # the next file opens


def test_cancel_from_another_thread_ends_a_hanging_load_at_once(
        loader: IsolatedLoader, files: dict[str, Path]) -> None:
    loader.start()
    timer = threading.Timer(0.5, loader.cancel)
    timer.start()
    t0 = time.perf_counter()
    with pytest.raises(LoadCancelledError):
        loader.load(files["hang"])
    assert time.perf_counter() - t0 < 2.5  # well before the 3 s timeout
    assert len(loader.load(files["part"]).faces) == 12


def test_a_spare_child_takes_over_at_once_when_a_read_is_cancelled(
        files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_child, "SPARE_AFTER_S", 0.2)
    loader = IsolatedLoader(_hostile_load, timeout_s=30.0, spare=True)
    try:
        assert len(loader.load(files["part"]).faces) == 12
        assert loader._spare.child is None  # not beside what follows a read: a moment later
        time.sleep(2.0)  # idle: the spare has started and imported what a read needs
        assert loader._spare.child is not None
        spare = loader._spare.child[0]
        timer = threading.Timer(0.5, loader.cancel)
        timer.start()
        with pytest.raises(LoadCancelledError):
            loader.load(files["hang"])
        assert len(loader.load(files["part"]).faces) == 12
        assert loader._process is spare  # no fresh child to start and warm up
        time.sleep(1.0)
        following = loader._spare.child
        assert following is not None and following[0] is not spare  # the next one
    finally:
        loader.close()
    assert loader._spare.child is None and not spare.is_alive()


def test_views_come_first_then_the_welded_part(loader: IsolatedLoader,
                                               files: dict[str, Path]) -> None:
    key = (64, "pca_unit_sphere", 5, None)
    seen: list[Drawn] = []
    mesh = loader.load(files["part"], views=key, on_views=seen.append)
    expected = draw(files["part"], *key)
    assert len(seen) == 1 and seen[0].key == key
    np.testing.assert_array_equal(seen[0].views, expected.views)
    np.testing.assert_array_equal(seen[0].world, expected.world)
    welded = load_mesh(files["part"])  # the same surface; the weld may number vertices apart
    np.testing.assert_array_equal(mesh.vertices[mesh.faces], welded.vertices[welded.faces])
    with pytest.raises(MeshLoadError, match=r"broken\.stl: "):
        loader.load(files["broken"], views=key, on_views=seen.append)
    assert len(seen) == 1


def test_a_failing_views_callback_leaves_no_stale_part_behind(loader: IsolatedLoader,
                                                              files: dict[str, Path],
                                                              tmp_path: Path) -> None:
    def fail(_: Drawn) -> None:
        raise RuntimeError("the model failed")

    other = tmp_path / "other.stl"
    trimesh.creation.icosphere(1).export(other)
    with pytest.raises(RuntimeError, match="the model failed"):
        loader.load(files["part"], views=(64, "pca_unit_sphere", 0, None), on_views=fail)
    assert len(loader.load(other).faces) == 80  # not the box the first request's child sent


def _logged_load(path: str, welded: bool = True) -> trimesh.Trimesh:
    """load_mesh that notes each read beside the part (the child's reads, seen from here)."""
    with Path(path).with_suffix(".reads").open("a") as log:
        log.write(f"{Path(path).name}\n")
    return load_mesh(path, welded=welded)


def test_a_prefetched_read_is_taken_over_and_a_stale_one_is_dropped(
        files: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "other.stl"
    trimesh.creation.icosphere(1).export(other)
    key = (64, "pca_unit_sphere", 0, None)
    loader = IsolatedLoader(_logged_load, timeout_s=30.0)
    try:
        loader.prefetch(files["part"], key)
        seen: list[Drawn] = []
        mesh = loader.load(files["part"], key, seen.append)  # the read asked for above
        assert len(mesh.faces) == 12 and len(seen) == 1
        assert files["part"].with_suffix(".reads").read_text() == "part.stl\n"  # read once
        loader.prefetch(files["part"], key)  # then another part is wanted instead
        assert len(loader.load(other).faces) == 80  # not the box the prefetch would answer
        assert len(loader.load(files["part"]).faces) == 12
    finally:
        loader.close()


def _outline(mesh: trimesh.Trimesh) -> _Outline:
    """A display function: a dataclass of arrays made from the mesh; a bug for the icosphere
    (80 faces), and for a 320-face one the child dies (a fault in native code, out of memory)."""
    if len(mesh.faces) == 320:
        os._exit(9)
    if len(mesh.faces) != 12:
        raise RuntimeError("a display bug")
    return _Outline(np.asarray(mesh.vertices).max(axis=0), np.asarray(mesh.faces)[::-1].copy())


@dataclass(frozen=True)
class _Outline:
    corner: np.ndarray
    faces: np.ndarray


def test_the_display_is_built_in_the_child_while_the_caller_has_the_mesh(
        files: dict[str, Path], tmp_path: Path) -> None:
    seen: list[trimesh.Trimesh] = []
    loader = IsolatedLoader(_hostile_load, timeout_s=30.0, display=_outline)
    try:
        loaded = loader.read(files["part"], on_mesh=seen.append)
        assert seen == [loaded.mesh]  # handed over before the display came
        expected = _outline(load_mesh(files["part"]))
        assert isinstance(loaded.shown, _Outline)
        np.testing.assert_array_equal(loaded.shown.corner, expected.corner)
        np.testing.assert_array_equal(loaded.shown.faces, expected.faces)
        assert loaded.shown.faces.dtype == expected.faces.dtype
        # a display that fails leaves the caller to build it; the part is read all the same
        other = tmp_path / "ico.stl"
        trimesh.creation.icosphere(1).export(other)
        failed = loader.read(other)
        assert failed.shown is None and len(failed.mesh.faces) == 80
        trimesh.creation.icosphere(2).export(other)
        died = loader.read(other)  # the child died building it: the part is read all the same
        assert died.shown is None and len(died.mesh.faces) == 320

        def refuse(mesh: trimesh.Trimesh) -> None:
            raise KeyboardInterrupt  # e.g. the request went stale: the child's work is dropped

        with pytest.raises(KeyboardInterrupt):
            loader.read(files["part"], on_mesh=refuse)
        assert loader.read(files["part"]).shown is not None  # the next read is whole
    finally:
        loader.close()


def _slow_display(mesh: trimesh.Trimesh) -> object:
    """The viewer's display function, except that a box (12 faces) takes ten minutes."""
    if len(mesh.faces) == 12:
        time.sleep(600)
    from pointcam_gui.gui.stages import display_of

    return display_of(mesh)


def test_a_spare_that_cannot_start_costs_nothing(files: dict[str, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    loader = IsolatedLoader(_hostile_load, spare=True)
    try:
        assert len(loader.load(files["part"]).faces) == 12

        def fail(warm: bool) -> None:
            raise OSError("no more processes")

        monkeypatch.setattr(loader, "_spawn", fail)
        loader._spare.ready()  # on the timer's thread: it must not raise
        assert loader._spare.child is None
        assert len(loader.load(files["part"]).faces) == 12  # the reader in use goes on
    finally:
        loader.close()


def _blocks_of(pid: int) -> list[str]:
    from pointcam_gui.core.loader_child import block_prefix

    return [p.name for p in Path("/dev/shm").glob(f"{block_prefix(pid)}*")]


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="shared memory is listed in /dev/shm")
def test_a_dropped_read_leaves_no_shared_memory_behind(files: dict[str, Path]) -> None:
    loader = IsolatedLoader(_hostile_load, timeout_s=30.0, display=_outline)

    def drop(mesh: trimesh.Trimesh) -> None:
        deadline = time.monotonic() + 20
        while not _blocks_of(loader._process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)  # until the child has sent the display it built
        raise KeyboardInterrupt  # the window moved on: the display is never taken

    try:
        loader.read(files["part"])
        child = loader._process.pid
        with pytest.raises(KeyboardInterrupt):
            loader.read(files["part"], on_mesh=drop)
        assert _blocks_of(child)  # left behind by the dropped read, until ...
        assert loader.read(files["part"]).shown is not None
        assert not _blocks_of(child)  # ... the next read frees them
        child = loader._process.pid
        with pytest.raises(KeyboardInterrupt):
            loader.read(files["part"], on_mesh=drop)
    finally:
        loader.close()
    assert not _blocks_of(child)  # and closing the loader frees the last ones
