"""Loading benchmark: ``load_mesh`` side by side with VTK's reader (not part of the tests).

    python benchmarks/load_bench.py [--sizes 1M 5M] [--formats stl-binary ply obj stl-ascii]
                                    [--repeats 3] [--folder DIR]

For each size an icosphere (1M: 1,310,720 faces; 5M: 5,242,880) is written once per format into
``--folder`` (kept between runs: writing a 5M-face ASCII STL takes a minute). Each file is then
read, in turns, by ``pyvista.read`` (what F3D and ParaView use: VTK's readers, points merged),
by ``pointcam_gui.core.load_mesh`` (checks, parse, weld, clean-up: what the viewer shows), by
``load_mesh(welded=False)`` (the same triangles without the weld: what ``pointcam explain`` and
``pointcam batch`` read when nothing is painted) and, for the binary formats, by a plain numpy
parse of the records: the floor no reader can beat. The table gives the best of ``--repeats``
and PointCAM's times as multiples of VTK's, measured in the same run; the goal is judged on the
unwelded read, the one the issue allows ("skip a global merge where nothing needs it").

Goals (issue 10): ≤ 0.5× VTK for binary STL and binary PLY, ≤ 1× for OBJ and ASCII STL.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

SUBDIVISIONS = {"100k": 6, "1M": 8, "5M": 9}
FORMATS = {"stl-binary": ("stl", {}), "ply": ("ply", {}), "obj": ("obj", {}),
           "stl-ascii": ("stl", {"file_type": "stl_ascii"})}
GOALS = {"stl-binary": 0.5, "ply": 0.5, "obj": 1.0, "stl-ascii": 1.0}


def write(size: str, fmt: str, folder: Path) -> Path:
    """The size's icosphere in one format, written once and reused."""
    suffix, options = FORMATS[fmt]
    path = folder / f"ico_{size}_{fmt}.{suffix}"
    if not path.exists():
        import trimesh

        sphere = trimesh.creation.icosphere(subdivisions=SUBDIVISIONS[size], radius=20.0)
        if suffix == "stl":
            data = trimesh.exchange.stl.export_stl_ascii(sphere) if options else (
                trimesh.exchange.stl.export_stl(sphere))
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
        else:
            sphere.export(path)
    return path


def numpy_floor(path: Path, fmt: str) -> Callable[[], object] | None:
    """A plain numpy read of a binary file's records (no checks, no merging), or None."""
    if fmt == "stl-binary":
        record = np.dtype([("normal", "<f4", 3), ("corners", "<f4", (3, 3)), ("attr", "<u2")])
        return lambda: np.fromfile(path, dtype=record, offset=84)["corners"].astype(np.float64)
    if fmt == "ply":
        head = path.read_bytes()[:4096]
        end = head.index(b"end_header\n") + len(b"end_header\n")
        words = head[:end].split()
        vertices = int(words[words.index(b"vertex") + 1])
        face = np.dtype([("n", "u1"), ("v", "<i4", 3)])

        def read() -> object:
            with path.open("rb") as f:
                f.seek(end)
                v = np.fromfile(f, dtype="<f8" if b"double" in head else "<f4",
                                count=vertices * 3)
                return v.reshape(-1, 3), np.fromfile(f, dtype=face)["v"]
        return read
    return None


def best_seconds(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Best wall time of each reader, taking turns so drift on a shared machine hits all."""
    times: dict[str, float] = {name: float("inf") for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            result = fn()
            times[name] = min(times[name], time.perf_counter() - t0)
            del result
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1M", "5M"], choices=list(SUBDIVISIONS))
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=list(FORMATS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "pointcam-load-bench")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)

    import pyvista

    from pointcam_gui.core import load_mesh

    print("| part | format | file MB | numpy parse s | pyvista.read s | welded s | welded / VTK "
          "| unwelded s | unwelded / VTK | goal |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in args.sizes:
        for fmt in args.formats:
            path = write(size, fmt, args.folder)
            fns: dict[str, Callable[[], object]] = {
                "vtk": partial(pyvista.read, path), "welded": partial(load_mesh, path),
                "unwelded": partial(load_mesh, path, welded=False)}
            floor = numpy_floor(path, fmt)
            if floor is not None:
                fns["numpy"] = floor
            t = best_seconds(fns, args.repeats)
            ratio = t["unwelded"] / t["vtk"]
            goal = GOALS[fmt]
            print(f"| {size} | {fmt} | {path.stat().st_size / 1e6:.0f} "
                  f"| {t['numpy']:.2f} | " if "numpy" in t else
                  f"| {size} | {fmt} | {path.stat().st_size / 1e6:.0f} | — | ", end="")
            print(f"{t['vtk']:.2f} | {t['welded']:.2f} | {t['welded'] / t['vtk']:.2f}× "
                  f"| {t['unwelded']:.2f} | {ratio:.2f}× "
                  f"| ≤ {goal:g}× {'met' if ratio <= goal else 'not met'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
