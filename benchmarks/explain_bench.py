"""Every explanation method side by side, in one run (not part of the tests).

    python benchmarks/explain_bench.py [--dev ../shared/realparts-dev] [--parts 24] [--weights W]

1. speed on the hook sample, all 12 classes at 1024 points: our one call (one view), the
   reference library called once per class (captum / torchcam where one exists), the ratio; and
   the full stable analysis (``Classifier.analyse``, every view it averages);
2. on the dev set's real known parts (``--parts`` of them, taken class by class): faithfulness
   (deletion gap, and insertion gap beside it) of the predicted class's map, and stability (the
   correlation of the predicted class's heat over the display vertices for seeds 0 and 1).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from pointcam_gui.core import Classifier, load_mesh
from pointcam_gui.core.explain import CATALOGUE, explainer
from pointcam_gui.core.explain.base import Views
from pointcam_gui.resources import resources_dir

DEV = Path(__file__).resolve().parents[2] / "shared" / "realparts-dev"


def _references(model: torch.nn.Module) -> dict[str, Callable[[torch.Tensor, int], object]]:
    """One call of the reference for one class, where a library has the method."""
    from captum import attr
    from torchcam import methods as tc

    layer = model.cam_layer  # type: ignore[attr-defined]

    def torchcam(cls: type) -> Callable[[torch.Tensor, int], object]:
        def run(x: torch.Tensor, c: int) -> object:
            with cls(model, layer) as extractor:
                return extractor(c, model(x), normalized=False)
        return run

    return {
        "gradcam": lambda x, c: attr.LayerGradCam(model, layer).attribute(x, target=c),
        "gradcam++": torchcam(tc.GradCAMpp),
        "xgradcam": torchcam(tc.XGradCAM),
        "layercam": torchcam(tc.LayerCAM),
        "smooth-gradcam++": torchcam(tc.SmoothGradCAMpp),
        "scorecam": torchcam(tc.ScoreCAM),
        "guided-backprop": lambda x, c: attr.GuidedBackprop(model).attribute(x, target=c),
        "guided-gradcam": lambda x, c: attr.GuidedGradCam(model, layer).attribute(x, target=c),
        "integrated-gradients": lambda x, c: attr.IntegratedGradients(model).attribute(
            x, baselines=0.0, target=c, n_steps=32, method="gausslegendre"),
        "occlusion": lambda x, c: attr.FeatureAblation(model).attribute(
            x, target=c, baselines=0.0, feature_mask=_patch_mask(x)),
    }


def _patch_mask(x: torch.Tensor) -> torch.Tensor:
    from pointcam_gui.core.explain.perturbation import patches

    return patches(x, 32)[:, None, :].expand_as(x)


def _timed(fn: Callable[[], object], repeat: int = 3) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def speed(clf: Classifier, methods: list[str]) -> None:
    mesh = load_mesh(resources_dir() / "samples" / "hook.stl")
    x = torch.from_numpy(clf.sample(mesh, seed=0).T[None].copy())
    refs = _references(clf.model)
    classes = len(clf.class_names)
    eye = torch.eye(classes)
    print(f"speed, hook sample, {classes} classes, {clf.num_points} points, "
          f"{torch.get_num_threads()} threads")
    print(f"{'method':22s} {'ours, 1 view':>13s} {'reference x12':>14s} {'ratio':>6s} "
          f"{'analyse (views)':>17s}")
    for name in methods:
        method = explainer(name, clf.model)
        ours = _timed(lambda m=method: m.maps(Views.of(clf.model, x), eye))  # type: ignore[misc]
        ref = refs.get(name)
        ref_s = (_timed(lambda r=ref: [r(x, c) for c in range(classes)], 1)  # type: ignore[misc]
                 if ref else float("nan"))
        t0 = time.perf_counter()
        a = clf.analyse(mesh, method=name)
        full = time.perf_counter() - t0
        ratio = f"{ref_s / ours:6.1f}" if ref else "     -"
        ref_text = f"{ref_s:13.3f}s" if ref else f"{'-':>14s}"
        print(f"{name:22s} {ours:12.3f}s {ref_text} {ratio} {full:9.2f}s ({a.views:2d})")


def dev_table(clf: Classifier, dev: Path, count: int, methods: list[str]) -> None:
    with (dev / "manifest.tsv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["set"] == "known"]
    by_class: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_class.setdefault(r["label"], []).append(r)
    chosen: list[dict[str, str]] = []
    while len(chosen) < min(count, len(rows)):
        for label in sorted(by_class):
            if by_class[label] and len(chosen) < count:
                chosen.append(by_class[label].pop(0))
    meshes = [load_mesh(dev / r["local_file"]) for r in chosen]
    print(f"\nfaithfulness and stability, {len(meshes)} real known parts of {dev.name} "
          "(predicted class)")
    print(f"{'method':22s} {'deletion gap':>13s} {'insertion gap':>14s} {'stability':>10s} "
          f"{'p10':>6s}")
    for name in methods:
        gaps, ins, corr = [], [], []
        for mesh in meshes:
            a = clf.analyse(mesh, seed=0, method=name)
            f = clf.faithfulness(a)
            gaps.append(f.deletion_gap)
            ins.append(f.insertion_gap)
            b = clf.analyse(mesh, seed=1, method=name)
            ha, hb = a.heat(a.predicted), b.heat(a.predicted)
            corr.append(float(np.corrcoef(ha, hb)[0, 1]) if ha.std() and hb.std()
                        else float(np.allclose(ha, hb)))
        print(f"{name:22s} {np.mean(gaps):+13.3f} {np.mean(ins):+14.3f} "
              f"{np.median(corr):10.3f} {np.percentile(corr, 10):6.3f}", flush=True)


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--parts", type=int, default=24)
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--methods", nargs="+", choices=list(CATALOGUE), metavar="METHOD",
                        help="the methods to measure (default: all that the weights allow)")
    args = parser.parse_args()
    clf = Classifier.load(args.weights, device="cpu")
    architecture = clf.metadata.architecture
    methods = args.methods or [n for n, i in CATALOGUE.items()
                               if not i.unavailable(architecture)]
    if not args.skip_speed:
        speed(clf, methods)
    if args.skip_dev:
        return 0
    if not (args.dev / "manifest.tsv").is_file():
        print(f"\n{args.dev}: no dev set here; the faithfulness table needs it")
        return 0
    dev_table(clf, args.dev, args.parts, methods)
    return 0


if __name__ == "__main__":
    sys.exit(main())
