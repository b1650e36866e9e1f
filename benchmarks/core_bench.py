"""Core pipeline benchmark: one command prints the performance table (not part of the tests).

    python benchmarks/core_bench.py [--weights W] [--repeats 5]

For parts of 1k, 10k, 100k and 1M faces (binary STL on disk): load, sample, explain (all classes),
heat mapping, total, and the process's peak memory, each size in a fresh process so peaks do not
mix. Then, side by side on the same input: one plain forward pass, PointCAM's all-class Grad-CAM,
and captum's LayerGradCam run once per class.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"1k": (25, 20), "10k": (100, 50), "100k": (500, 100), "1M": (1000, 500)}


def _median_ms(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up: first calls pay for allocator and autograd set-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def one_size(label: str, weights: str | None, repeats: int) -> dict[str, float]:
    """Runs in its own process: the pipeline stages for one part size, and the peak RSS."""
    import trimesh

    from pointcam_gui.core import Classifier, load_mesh

    major, minor = SIZES[label]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"part_{label}.stl"
        trimesh.creation.torus(30, 8, major_sections=major, minor_sections=minor).export(path)
        clf = Classifier.load(weights, device="cpu")
        clf.analyse(load_mesh(path))  # warm-up
        rows: dict[str, list[float]] = {}
        for _ in range(repeats):
            t0 = time.perf_counter()
            mesh = load_mesh(path)
            load_ms = (time.perf_counter() - t0) * 1000
            analysis = clf.analyse(mesh)
            for key, value in {"load": load_ms, **analysis.timings_ms}.items():
                rows.setdefault(key, []).append(value)
        result = {k: statistics.median(v) for k, v in rows.items()}
        result["end_to_end"] = result["load"] + result["total"]
        result["faces"] = float(len(mesh.faces))
        result["display_vertices"] = float(len(analysis.display_mesh.vertices))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def gradcam_vs_captum(weights: str | None, repeats: int) -> dict[str, float]:
    import torch
    from captum.attr import LayerGradCam

    from pointcam_gui.core import Classifier
    from pointcam_gui.core.gradcam import all_class_gradcam

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

    return {"forward": _median_ms(forward, repeats * 4), "ours": _median_ms(ours, repeats * 4),
            "captum": _median_ms(theirs, repeats)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="weights file (default: the shipped model)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data = (gradcam_vs_captum(args.weights, args.repeats) if args.child == "gradcam"
                else one_size(args.child, args.weights, args.repeats))
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
    print("| faces | display verts | load ms | sample ms | explain ms | heat ms | total ms "
          "| peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label in SIZES:
        r = child(label)
        explain = r["forward"] + r["gradcam"]
        print(f"| {label} ({r['faces']:.0f}) | {r['display_vertices']:.0f} | {r['load']:.1f} "
              f"| {r['sample']:.1f} | {explain:.1f} | {r['heatmap']:.1f} "
              f"| {r['end_to_end']:.1f} | {r['peak_mb']:.0f} |")
    g = child("gradcam")
    print("\n| one forward pass ms | all-class Grad-CAM ms | captum LayerGradCam x"
          f"{len(clf.class_names)} ms | ours / forward | captum / ours |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {g['forward']:.2f} | {g['ours']:.2f} | {g['captum']:.2f} "
          f"| {g['ours'] / g['forward']:.2f}x | {g['captum'] / g['ours']:.1f}x |")


if __name__ == "__main__":
    main()
