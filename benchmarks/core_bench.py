"""Core pipeline benchmark: one command prints the performance table (not part of the tests).

    python benchmarks/core_bench.py [--weights W] [--repeats 5]

For parts of 1k, 10k, 100k and 1M faces (binary STL on disk, written beforehand by the parent):
load, sample (the pose frames and every sampling), explain (every view's forward pass and all
classes' Grad-CAM), heat mapping, total, and the process's peak memory, each
size in a fresh process so peaks do not mix. Then, side by side on the same input: one plain
forward pass, PointCAM's all-class Grad-CAM, and captum's LayerGradCam run once per class.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = {"1k": (25, 20), "10k": (100, 50), "100k": (500, 100), "1M": (1000, 500)}


def _interleaved_ms(fns: dict[str, Callable[[], None]], rounds: int,
                    block: int = 10) -> dict[str, float]:
    """Median milliseconds per call of each function. Contenders take turns in blocks of
    consecutive calls, so a machine whose speed drifts (shared cloud CPUs do) slows them alike,
    and no contender is always the one measured right after another's allocations."""
    for fn in fns.values():
        fn()  # warm-up: first calls pay for allocator and autograd set-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            fn()  # one untimed call: the caches are this contender's again
            t0 = time.perf_counter()
            for _ in range(block):
                fn()
            times[name].append((time.perf_counter() - t0) * 1000 / block)
    return {name: statistics.median(values) for name, values in times.items()}


def write_part(label: str, folder: Path) -> Path:
    """A torus of the label's face count as binary STL (made by the parent, not measured)."""
    import trimesh

    major, minor = SIZES[label]
    path = folder / f"part_{label}.stl"
    trimesh.creation.torus(30, 8, major_sections=major, minor_sections=minor).export(path)
    return path


def one_size(path: Path, weights: str | None, repeats: int) -> dict[str, float]:
    """Runs in its own process: the pipeline stages for one part file, and the peak RSS."""
    from pointcam_gui.core import Classifier, load_mesh

    clf = Classifier.load(weights, device="cpu")
    rows: dict[str, list[float]] = {}
    for _ in range(repeats + 1):  # the first run warms up and is dropped
        t0 = time.perf_counter()
        mesh = load_mesh(path)
        load_ms = (time.perf_counter() - t0) * 1000
        analysis = clf.analyse(mesh).painted()  # as the viewer: the display and its heat too
        for key, value in {"load": load_ms, **analysis.timings_ms}.items():
            rows.setdefault(key, []).append(value)
        faces, vertices = len(mesh.faces), len(analysis.display_mesh.vertices)
        views = analysis.views
        del mesh, analysis  # one part in memory at a time, as in the viewer (which collects
        gc.collect()        # trimesh's reference cycles before loading the next part)
    result = {k: statistics.median(v[1:]) for k, v in rows.items()}
    result["heat"] = result["refine"] + result["heatmap"]
    result["end_to_end"] = result["load"] + result["total"] + result["heat"]
    result["faces"], result["display_vertices"] = float(faces), float(vertices)
    result["views"] = float(views)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def gradcam_vs_captum(weights: str | None, repeats: int) -> dict[str, float]:
    import torch
    from captum.attr import LayerGradCam

    from pointcam_gui.core import Classifier
    from pointcam_gui.core.explain.gradcam import all_class_gradcam

    # One thread: at a millisecond per call, a second thread's wake-ups made forward-pass times
    # swing 1.2-3.6 ms between runs; single-threaded they repeat within ~10 %.
    torch.set_num_threads(1)
    clf = Classifier.load(weights, device="cpu")
    model = clf.model
    x = torch.randn(1, 3, clf.num_points, generator=torch.Generator().manual_seed(0))
    captum = LayerGradCam(model, model.cam_layer)
    classes = range(len(clf.class_names))

    def forward() -> None:
        with torch.no_grad():
            model(x)

    def ours() -> None:
        all_class_gradcam(model, x)

    def theirs() -> None:
        for c in classes:
            captum.attribute(x, target=c, relu_attributions=True)

    # Each ratio from its own interleaved pair: captum's hooks and allocations between blocks
    # disturbed the millisecond-scale forward timings when all three took turns.
    pair = _interleaved_ms({"forward": forward, "ours": ours}, repeats * 8, block=40)
    versus = _interleaved_ms({"ours": ours, "captum": theirs}, repeats * 2, block=3)
    return {"forward": pair["forward"], "ours": pair["ours"], "ours_vs": versus["ours"],
            "captum": versus["captum"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="weights file (default: the shipped model)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data = (gradcam_vs_captum(args.weights, args.repeats) if args.child == "gradcam"
                else one_size(Path(args.child), args.weights, args.repeats))
        print(json.dumps(data))
        return

    def child(what: str) -> dict[str, float]:
        cmd = [sys.executable, __file__, "--child", what, "--repeats", str(args.repeats)]
        if args.weights:
            cmd += ["--weights", args.weights]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    import torch

    from pointcam_gui.core import Classifier

    clf = Classifier.load(args.weights, device="cpu")
    cfg = clf.model.config
    print(f"machine: {platform.processor() or platform.machine()}, {torch.get_num_threads()} "
          f"torch threads, Python {platform.python_version()}, torch {torch.__version__}")
    print(f"model: widths {cfg.widths}, head {cfg.head}, {clf.num_points} points, "
          f"{len(clf.class_names)} classes; CPU; median of {args.repeats}\n")
    print("| faces | display verts | views | load ms | sample ms | explain ms | heat ms "
          "| total ms | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tmp = tempfile.TemporaryDirectory()
    for label in SIZES:
        r = child(str(write_part(label, Path(tmp.name))))
        explain = r["forward"] + r["explain"]
        print(f"| {label} ({r['faces']:.0f}) | {r['display_vertices']:.0f} | {r['views']:.0f} "
              f"| {r['load']:.1f} "
              f"| {r['sample']:.1f} | {explain:.1f} | {r['heat']:.1f} "
              f"| {r['end_to_end']:.1f} | {r['peak_mb']:.0f} |")
    tmp.cleanup()
    g = child("gradcam")
    print("\nGrad-CAM on one part, one torch thread:\n")
    print("| one forward pass ms | all-class Grad-CAM ms | captum LayerGradCam x"
          f"{len(clf.class_names)} ms | ours / forward | captum / ours |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {g['forward']:.2f} | {g['ours']:.2f} | {g['captum']:.2f} "
          f"| {g['ours'] / g['forward']:.2f}x | {g['captum'] / g['ours_vs']:.1f}x |")
    print("\n(each ratio comes from its own interleaved pair of timings; absolute milliseconds "
          "drift between runs on a shared CPU)")


if __name__ == "__main__":
    main()
