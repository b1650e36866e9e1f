"""The ``pointcam`` command: the same pipeline as the viewer, from a shell. Never imports the GUI.

Exit codes: 0 ok; 2 bad input or arguments (exactly one line on stderr); 1 an unexpected internal
error (its traceback only with ``-v``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pointcam_gui import __version__
from pointcam_gui.core.device import DEVICE_CHOICES
from pointcam_gui.core.errors import PointCAMError

Handler = Callable[[argparse.Namespace], int]


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus an error; a wrong argument gets one line here."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _points(text: str) -> int:
    value = int(text)
    if value < 32:
        raise argparse.ArgumentTypeError(f"--points must be at least 32, got {value}")
    return value


def _add_explain(sub: Any) -> None:
    p = sub.add_parser("explain", help="classify a part and explain it with Grad-CAM",
                       description="Classify a CAD part and compute the Grad-CAM heat of every "
                                   "class; print the result, optionally render or export it.")
    p.add_argument("part", type=Path, help="STL, OBJ, PLY, OFF, GLB/GLTF, 3MF (STEP with [step])")
    p.add_argument("--target", help="class to explain: name, unique prefix or index "
                                    "(default: the predicted class)")
    p.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--points", type=_points, help="points to sample (default: the model's)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--screenshot", type=Path, metavar="OUT.png",
                   help="render the heat-coloured part to a PNG")
    p.add_argument("--export-mesh", type=Path, metavar="OUT.ply|OUT.glb|OUT.obj",
                   help="write the refined mesh with per-vertex heat colours (PLY and GLB also "
                        "carry the heat as a scalar)")
    p.add_argument("--colormap", default="jet", help="jet (default), turbo, viridis, inferno, "
                                                      "coolwarm")
    p.set_defaults(handler=_explain)


def _explain(args: argparse.Namespace) -> int:
    from pointcam_gui.core import Classifier, load_mesh
    from pointcam_gui.core.export import IMAGE_SUFFIXES, MESH_SUFFIXES, check_suffix
    from pointcam_gui.core.heatmap import colormap_lut

    colormap_lut(args.colormap)  # fail on a typo before any work
    args.colormap = args.colormap.lower()
    if args.screenshot is not None:
        check_suffix(args.screenshot, IMAGE_SUFFIXES, "a screenshot")
    if args.export_mesh is not None:
        check_suffix(args.export_mesh, MESH_SUFFIXES, "a heat mesh")
    t0 = time.perf_counter()
    mesh = load_mesh(args.part)
    load_ms = (time.perf_counter() - t0) * 1000
    clf = Classifier.load(args.weights, device=args.device, num_points=args.points)
    target = clf.class_index(args.target) if args.target is not None else None
    analysis = clf.analyse(mesh, seed=args.seed, source=args.part)
    target = analysis.predicted if target is None else target
    timings = {"load": load_ms, **analysis.timings_ms}

    if args.screenshot is not None:
        from pointcam_gui.scene import render_screenshot

        render_screenshot(analysis, target, args.screenshot, cmap=args.colormap)
    if args.export_mesh is not None:
        from pointcam_gui.core.export import export_heat_mesh

        export_heat_mesh(analysis, target, args.export_mesh, cmap=args.colormap)

    names, probs = analysis.class_names, analysis.probabilities
    if args.json:
        out = {
            "file": str(args.part),
            "predicted": {"index": analysis.predicted, "name": analysis.predicted_name,
                          "probability": float(probs[analysis.predicted])},
            "probabilities": {n: round(float(p), 6) for n, p in zip(names, probs, strict=True)},
            "target": {"index": target, "name": names[target]},
            "num_points": len(analysis.points),
            "device": analysis.device,
            "timings_ms": {k: round(v, 2) for k, v in timings.items()},
            "model": clf.metadata.provenance.get("name", "custom"),
        }
        if args.screenshot is not None:
            out["screenshot"] = str(args.screenshot)
        if args.export_mesh is not None:
            out["mesh"] = str(args.export_mesh)
        print(json.dumps(out, indent=2))
        return 0

    print(f"{args.part.name}: {analysis.predicted_name} "
          f"({100 * probs[analysis.predicted]:.1f}%)")
    for i in probs.argsort()[::-1][:5]:
        print(f"  {100 * probs[i]:5.1f}%  {names[i]}")
    if target != analysis.predicted:
        print(f"Grad-CAM target: {names[target]}")
    spent = ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items())
    print(f"device {analysis.device}, {len(analysis.points)} points; {spent}")
    if args.screenshot is not None:
        print(f"screenshot: {args.screenshot}")
    if args.export_mesh is not None:
        print(f"heat mesh: {args.export_mesh}")
    return 0


def _add_classes(sub: Any) -> None:
    p = sub.add_parser("classes", help="list the model's classes")
    p.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=_classes)


def _classes(args: argparse.Namespace) -> int:
    from pointcam_gui.core.checkpoint import read_metadata
    from pointcam_gui.resources import model_path

    meta = read_metadata(args.weights if args.weights is not None else model_path())
    if args.json:
        print(json.dumps(list(meta.class_names)))
    else:
        for i, name in enumerate(meta.class_names):
            print(f"{i:3d}  {name}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return tuple(_positive(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 64,128,256, got {text!r}") from None


def _bar(desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(desc=desc, file=sys.stderr, unit="part", leave=False, disable=None,
                dynamic_ncols=True)


def _progress(bar: Any) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
    return update


def _report_skipped(skipped: Sequence[Any]) -> None:
    for s in skipped:
        print(f"skipped {s.path}: {s.reason}", file=sys.stderr)


def _add_training(sub: Any) -> None:
    d = sub.add_parser("dataset", help="make a training dataset of generated parts")
    dsub = d.add_subparsers(dest="action", metavar="ACTION", parser_class=_OneLineParser)
    dsub.required = True
    g = dsub.add_parser("generate", help="generate parts into folder-per-class mesh files",
                        description="Generate N parts per class (folder per class, binary PLY "
                                    "or STL) and a manifest.json; deterministic for a seed.")
    g.add_argument("out", type=Path, metavar="OUT", help="a new or empty folder")
    g.add_argument("--per-class", type=_positive, required=True, metavar="N")
    g.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    g.add_argument("--classes", nargs="+", metavar="CLASS",
                   help="names, unique prefixes or slugs such as hook wheel (default: all)")
    g.add_argument("--workers", type=_positive, default=2, help="processes (default 2)")
    g.add_argument("--format", choices=("ply", "stl"), default="ply")
    g.set_defaults(handler=_dataset_generate)

    # defaults stay None so that `pointcam --help` needs no torch; TrainConfig fills them in
    t = sub.add_parser("train", help="train a PointNet on a folder-per-class dataset",
                       description="Train on any folder-per-class dataset of meshes; saves the "
                                   "best weights, a CSV log and loss/accuracy curves beside them.")
    t.add_argument("data", type=Path, metavar="DATA", help="folder with one sub-folder per class")
    t.add_argument("--out", type=Path, required=True, metavar="W.safetensors")
    t.add_argument("--epochs", type=_positive, help="(default 30)")
    t.add_argument("--points", type=_points, help="points per part (default 1024)")
    t.add_argument("--batch-size", type=_positive, help="(default 32)")
    t.add_argument("--lr", type=float, help="Adam learning rate, cosine decay (default 0.001)")
    t.add_argument("--seed", type=int, help="(default 0)")
    t.add_argument("--device", choices=DEVICE_CHOICES, help="(default auto)")
    t.add_argument("--val-fraction", type=float, help="held out per class (default 0.15)")
    t.add_argument("--widths", type=_sizes, metavar="64,128,256",
                   help="per-point layer widths; the last is the global feature size "
                        "(default 64,128,256)")
    t.add_argument("--head", type=_sizes, metavar="256,128", help="(default 256,128)")
    t.add_argument("--threads", type=int, help="torch CPU threads (default 0: one per core)")
    t.add_argument("--normalization", choices=("pca_unit_sphere", "bbox_center_unit_sphere"),
                   help="how points are posed and scaled, recorded in the weights "
                        "(default pca_unit_sphere)")
    t.set_defaults(handler=_train)

    e = sub.add_parser("evaluate", help="accuracy and confusion matrix on a dataset",
                       description="Classify every part of a folder-per-class dataset and print "
                                   "accuracy, per-class accuracy and the confusion matrix.")
    e.add_argument("data", type=Path, metavar="DATA")
    e.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    e.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    e.add_argument("--points", type=_points, help="points to sample (default: the model's)")
    e.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    e.add_argument("--rotate", action="store_true",
                   help="turn every part into a random orientation first (seeded)")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.add_argument("--confusion-png", type=Path, metavar="OUT.png")
    e.set_defaults(handler=_evaluate)


def _dataset_generate(args: argparse.Namespace) -> int:
    from pointcam_gui.core.dataset import generate_dataset, resolve_classes

    classes = resolve_classes(args.classes) if args.classes else None
    with _bar("generating") as bar:
        report = generate_dataset(args.out, args.per_class, args.seed, classes,
                                  workers=args.workers, fmt=args.format,
                                  progress=_progress(bar))
    counts = [c["count"] for c in report.manifest["classes"]]
    for f in report.failures:
        print(f"failed {f['class']} seed {f['seed']}: {f['error']}", file=sys.stderr)
    if sum(counts) == 0:
        raise PointCAMError(f"{args.out}: the generator failed on every part")
    print(f"wrote {sum(counts)} parts of {len(counts)} classes to {args.out} "
          f"(manifest.json{f', {len(report.failures)} failed' if report.failures else ''})")
    return 0


def _train(args: argparse.Namespace) -> int:
    from pointcam_gui.core.training import TrainConfig, TrainProgress, train

    given = {k: getattr(args, k) for k in ("epochs", "points", "batch_size", "lr", "seed",
                                            "device", "val_fraction", "widths", "head", "threads",
                                            "normalization")}
    config = TrainConfig(**{k: v for k, v in given.items() if v is not None})
    command = (f"pointcam train {args.data} --out {args.out} --epochs {config.epochs} "
               f"--points {config.points} --batch-size {config.batch_size} --lr {config.lr} "
               f"--seed {config.seed} --device {config.device} "
               f"--val-fraction {config.val_fraction} "
               f"--widths {','.join(map(str, config.widths))} "
               f"--head {','.join(map(str, config.head))} --normalization {config.normalization}")
    bar = _bar("reading parts")

    def on_progress(p: TrainProgress) -> None:
        nonlocal bar
        if p.stage == "epoch" and p.stats is not None:
            s = p.stats
            bar.write(f"epoch {p.done}/{p.total}: train loss {s.train_loss:.3f} acc "
                      f"{100 * s.train_acc:.1f}%, val loss {s.val_loss:.3f} acc "
                      f"{100 * s.val_acc:.1f}%, lr {s.lr:.2g}, {s.seconds:.0f} s", sys.stderr)
            return
        if p.stage == "batch" and p.done == 1:
            bar.close()
            bar = _bar(f"epoch {p.epoch}/{config.epochs}")
            bar.unit = "batch"
        _progress(bar)(p.done, p.total)

    try:
        result = train(args.data, args.out, config, progress=on_progress, command=command)
    finally:
        bar.close()
    _report_skipped(result.skipped)
    if result.weights is None:
        print("pointcam: interrupted before the first epoch ended; no weights written",
              file=sys.stderr)
        return 130
    ran = len(result.history)
    stop = f"interrupted after {ran} of {config.epochs} epochs" if result.interrupted else ""
    print(f"best validation accuracy {100 * result.best_val_acc:.1f}% at epoch "
          f"{result.best_epoch} of {ran}, trained in {result.seconds:.0f} s{stop and '; ' + stop}")
    print(f"weights: {result.weights}\nlog: {result.log_csv}\ncurves: {result.curves_png}")
    return 130 if result.interrupted else 0


def _evaluate(args: argparse.Namespace) -> int:
    from pointcam_gui.core import Classifier
    from pointcam_gui.core.evaluation import evaluate, save_confusion_png

    clf = Classifier.load(args.weights, device=args.device, num_points=args.points)
    with _bar("evaluating") as bar:
        report = evaluate(args.data, clf, seed=args.seed, rotate=args.rotate,
                          progress=_progress(bar))
    png = save_confusion_png(report, args.confusion_png) if args.confusion_png else None
    if args.json:
        out = report.to_dict()
        if png is not None:
            out["confusion_png"] = str(png)
        print(json.dumps(out, indent=2))
        return 0
    _report_skipped(report.skipped)
    print(report.table())
    if png is not None:
        print(f"confusion matrix: {png}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="pointcam",
                            description="PointCAM: classify CAD parts with PointNet and show "
                                        "the Grad-CAM evidence.")
    parser.add_argument("--version", action="version", version=f"pointcam {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details and tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    sub.required = True
    for add in (_add_explain, _add_classes, _add_training):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handler: Handler = args.handler
    try:
        return handler(args)
    except PointCAMError as exc:
        print(f"pointcam: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pointcam: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        print(f"pointcam: internal error: {reason} (run with -v for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
