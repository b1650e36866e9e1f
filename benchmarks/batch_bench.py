"""Batch throughput: `pointcam batch` side by side with a loop over the Python API (not a test).

    python benchmarks/batch_bench.py [--per-class 5] [--workers 2] [--folder DIR] [--tori N]

The parts are generated once (``pointcam dataset generate``, seed 7, binary STL) into
``--folder``; with ``--tori N`` they are N tori of exactly 10,000 faces in varied proportions
(the issue's "10k-face parts"). On the same parts, in one run, each contender's parts per second:

- ``loop analyse``: ``for p in parts: clf.analyse(load_mesh(p))`` in one process: what a user
  writes today (full maps and heat);
- ``loop classify``: the same loop with ``clf.classify``, the verdict a batch row holds;
- ``analyse_many``: ``Classifier.analyse_many(parts, workers=N)``, process start included;
- ``pointcam batch``: the command end to end (interpreter, imports, writing the rows).

Goal (issue 11): ``pointcam batch`` >= 1.7x ``loop analyse`` on this 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def parts_in(folder: Path, per_class: int, tori: int) -> list[Path]:
    if tori:
        import numpy as np
        import trimesh

        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(7)
        for i in range(tori):
            path = folder / f"torus_{i:04d}.stl"
            if not path.exists():
                major = float(rng.uniform(10, 60))
                trimesh.creation.torus(major, major * float(rng.uniform(0.1, 0.45)),
                                       major_sections=100, minor_sections=50).export(path)
        return sorted(folder.glob("torus_*.stl"))[:tori]
    if not (folder / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "pointcam_gui.cli", "dataset", "generate",
                        str(folder), "--per-class", str(per_class), "--seed", "7",
                        "--format", "stl"], check=True, stdout=subprocess.DEVNULL)
    return sorted(folder.rglob("*.stl"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "pointcam-batch-bench")
    parser.add_argument("--tori", type=int, default=0,
                        help="use N tori of 10,000 faces instead of generated parts")
    args = parser.parse_args()
    files = parts_in(args.folder, args.per_class, args.tori)

    from pointcam_gui.core import Classifier, load_mesh

    faces = [len(load_mesh(p).faces) for p in files]
    kind = "tori" if args.tori else "generated parts"
    print(f"{len(files)} {kind}, faces median {statistics.median(faces):,.0f} "
          f"(min {min(faces):,}, max {max(faces):,})")
    clf = Classifier.load(None, device="cpu")
    clf.classify(load_mesh(files[0]))  # warm-up: first calls pay for allocator set-up

    def loop_analyse() -> None:
        for p in files:
            clf.analyse(load_mesh(p))

    def loop_classify() -> None:
        for p in files:
            clf.classify(load_mesh(p))

    def many() -> None:
        rows = list(clf.analyse_many(files, workers=args.workers))
        assert not any(r["error"] for r in rows)

    def command() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pointcam_gui.cli", "batch", str(args.folder),
                            "--out", str(Path(tmp) / "rows.jsonl"), "--workers",
                            str(args.workers)], check=True, stdout=subprocess.DEVNULL)

    contenders = {"loop analyse": loop_analyse, "loop classify": loop_classify,
                  f"analyse_many, {args.workers} workers": many,
                  f"pointcam batch, {args.workers} workers": command}
    rates = {}
    for name, fn in contenders.items():
        t0 = time.perf_counter()
        fn()
        rates[name] = len(files) / (time.perf_counter() - t0)
    base = rates["loop analyse"]
    print("| contender | parts/s | × loop analyse |")
    print("|---|---:|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:.2f} | {rate / base:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
