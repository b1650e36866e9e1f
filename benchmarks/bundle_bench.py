"""Desktop bundle benchmark: its size, its biggest parts, and launch times beside the installed app.

    packaging/build.sh && xvfb-run -a python benchmarks/bundle_bench.py [--repeats 3]

Launch → first paint is read from the window's own log line ("window painted at <time>"),
against the moment the benchmark starts the program; launch → exit is the whole
`pointcam-gui hook.stl --screenshot` run (model, analysis, picture). The installed app and the
frozen one run alternately in the same run, on the same display.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "PointCAM"
GOAL_MB = 900


def size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def launch(program: Path, out: Path) -> tuple[float, float]:
    t0 = time.time()
    result = subprocess.run([str(program), "-v", str(ROOT / "resources/samples/hook.stl"),
                             "--screenshot", str(out)], capture_output=True, text=True,
                            check=True, cwd=out.parent)
    end = time.time()
    painted = re.search(r"window painted at ([0-9.]+)", result.stderr)
    assert painted, result.stderr[-2000:]
    return float(painted.group(1)) - t0, end - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not (BUNDLE / "pointcam-gui").is_file():
        sys.exit("bundle_bench: build the bundle first: packaging/build.sh")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        sys.exit("bundle_bench: needs a display; run it under xvfb-run -a")
    internal = BUNDLE / "_internal"
    parts = {f"_internal/{p.name}": size(p) for p in internal.iterdir()}
    parts |= {p.name: size(p) for p in BUNDLE.iterdir() if p.name != "_internal"}
    total = sum(parts.values())
    print(f"bundle {BUNDLE}: {total / 2**20:,.0f} MiB unpacked (goal <= {GOAL_MB} MB: "
          f"{'met' if total / 1e6 <= GOAL_MB else 'missed'})")
    for archive in sorted(BUNDLE.parent.glob("PointCAM-*.tar.gz")):
        print(f"  archive {archive.name}: {archive.stat().st_size / 2**20:,.0f} MiB")
    for name, bytes_ in sorted(parts.items(), key=lambda kv: -kv[1])[:14]:
        print(f"  {name:<44} {bytes_ / 2**20:8,.1f} MiB  {100 * bytes_ / total:4.1f} %")

    installed = Path(sys.executable).parent / "pointcam-gui"
    runs: dict[str, list[tuple[float, float]]] = {"installed": [], "frozen": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats + 1):  # the first round warms the disk cache: not counted
            for name, program in (("installed", installed), ("frozen", BUNDLE / "pointcam-gui")):
                result = launch(program, Path(tmp) / f"{name}-{i}.png")
                if i:
                    runs[name].append(result)
    print(f"launch (hook.stl, median of {args.repeats}, alternating):")
    for name, values in runs.items():
        paint = statistics.median(v[0] for v in values)
        done = statistics.median(v[1] for v in values)
        print(f"  {name:<10} first paint {paint:5.2f} s   "
              f"screenshot saved and exited {done:5.2f} s")


if __name__ == "__main__":
    main()
