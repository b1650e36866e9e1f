"""The `pointcam` commands that train, evaluate, merge and calibrate; the core the viewer uses.

Registered by ``pointcam_gui.cli``, which owns the exit-code convention; the dataset commands
are in ``cli_dataset``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pointcam_gui.cli_arguments import bar_updater, point_count, positive, progress_bar
from pointcam_gui.core.device import DEVICE_CHOICES, PRECISIONS
from pointcam_gui.core.errors import PointCAMError


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return tuple(positive(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 64,128,256, got {text!r}") from None


def _head(text: str) -> tuple[int, ...] | str:
    return "cam" if text.strip().lower() == "cam" else _sizes(text)


def _report_skipped(skipped: Sequence[Any]) -> None:
    for s in skipped:
        print(f"skipped {s.path}: {s.reason}", file=sys.stderr)


def add_training(sub: Any) -> None:
    """The train, evaluate, merge and calibrate subcommands."""
    # defaults stay None so that `pointcam --help` needs no torch; TrainConfig fills them in
    t = sub.add_parser("train", help="train a PointNet on a folder-per-class dataset",
                       description="Train on any folder-per-class dataset of meshes; saves the "
                                   "best weights, a CSV log and loss/accuracy curves beside them.")
    t.add_argument("data", type=Path, metavar="DATA", help="folder with one sub-folder per class")
    t.add_argument("--out", type=Path, required=True, metavar="W.safetensors")
    t.add_argument("--epochs", type=positive, help="(default 30)")
    t.add_argument("--points", type=point_count, help="points per part (default 1024)")
    t.add_argument("--batch-size", type=positive, help="(default 32)")
    t.add_argument("--lr", type=float, help="Adam learning rate, cosine decay (default 0.001)")
    t.add_argument("--seed", type=int, help="(default 0)")
    t.add_argument("--device", choices=DEVICE_CHOICES, help="(default auto)")
    t.add_argument("--val-fraction", type=float, help="held out per class (default 0.15)")
    t.add_argument("--widths", type=_sizes, metavar="64,128,256",
                   help="per-point layer widths; the last is the global feature size "
                        "(default 64,128,256)")
    t.add_argument("--head", type=_head, metavar="256,128",
                   help="hidden layers of the classifier head (default 256,128); `cam`: global "
                        "average pooling into one linear layer, the model CAM explains exactly "
                        "(`explain --method cam`)")
    t.add_argument("--threads", type=int, help="torch CPU threads (default 0: one per core)")
    t.add_argument("--workers", type=int, metavar="N",
                   help="processes that draw the next epoch's points while one trains (default "
                        "0: drawn in turn); the same points either way, worth it with a GPU")
    t.add_argument("--precision", choices=PRECISIONS,
                   help="bfloat16: mixed-precision training, about 1.45x faster on CPUs with AMX "
                        "(Intel Xeon since Sapphire Rapids) and on recent GPUs, slower elsewhere; "
                        "the weights stay float32 (default float32)")
    t.add_argument("--outliers", type=Path, metavar="DIR",
                   help="parts of none of the classes (any depth), trained toward a uniform "
                        "answer: outlier exposure (see `pointcam dataset generate-others`)")
    t.add_argument("--outlier-weight", type=float, help="weight of their loss (default 0.5)")
    t.add_argument("--normalization", choices=("pca_unit_sphere", "bbox_center_unit_sphere"),
                   help="how points are posed and scaled, recorded in the weights "
                        "(default pca_unit_sphere)")
    t.add_argument("--init", type=Path, metavar="W.safetensors",
                   help="fine-tune: start from these weights (their architecture; classes of the "
                        "same name keep their outputs, e.g. the shipped model for your own parts)")
    t.add_argument("--teacher", type=Path, metavar="W.safetensors",
                   help="distillation: also learn these weights' softened answers, e.g. an "
                        "ensemble's (`pointcam merge`), to keep its gain at one model's cost")
    t.add_argument("--teacher-weight", type=float,
                   help="the teacher's share of the loss, in (0, 1] (default 0.5)")
    t.set_defaults(handler=_train)

    e = sub.add_parser("evaluate", help="accuracy and confusion matrix on a dataset",
                       description="Classify every part of a folder-per-class dataset and print "
                                   "accuracy, per-class accuracy and the confusion matrix.")
    e.add_argument("data", type=Path, metavar="DATA")
    e.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    e.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    e.add_argument("--points", type=point_count, help="points to sample (default: the model's)")
    e.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    e.add_argument("--rotate", action="store_true",
                   help="turn every part into a random orientation first (seeded)")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.add_argument("--confusion-png", type=Path, metavar="OUT.png")
    e.set_defaults(handler=_evaluate)

    m = sub.add_parser("merge", help="merge trained models into one ensemble model",
                       description="Merge PointNets trained on the same classes into one model "
                                   "whose logits are the mean of theirs (an ensemble that runs, "
                                   "explains and calibrates as one PointNet). An ensemble "
                                   "merged again counts as the models it holds. Calibrate the "
                                   "result afterwards.")
    m.add_argument("weights", type=Path, nargs="+", metavar="W.safetensors")
    m.add_argument("--out", type=Path, required=True, metavar="OUT.safetensors")
    m.set_defaults(handler=_merge)

    c = sub.add_parser("calibrate", help="fit calibrated probabilities and the novelty verdict",
                       description="Fit the temperature of the probabilities and the novelty "
                                   "statistics and threshold on held-out parts of the model's "
                                   "classes (never its training parts), and write them into the "
                                   "weights file.")
    c.add_argument("data", type=Path, metavar="DATA", help="folder with one sub-folder per class")
    c.add_argument("--weights", type=Path, required=True, metavar="W.safetensors")
    c.add_argument("--out", type=Path, metavar="OUT.safetensors",
                   help="where to write (default: update the weights file in place, atomically)")
    c.add_argument("--novelty", choices=("msp", "energy", "mahalanobis", "knn"),
                   default="energy", help="novelty method (default energy: the best measured "
                                          "on real parts, see docs/benchmarks.md)")
    c.add_argument("--flag-rate", type=float, default=0.05,
                   help="share of these parts the threshold may call unfamiliar (default 0.05)")
    c.add_argument("--keep-temperature", action="store_true",
                   help="keep the weights' temperature (1 if none) and fit only the novelty")
    c.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    c.add_argument("--seed", type=int, default=0, help="sampling and split seed (default 0)")
    c.set_defaults(handler=_calibrate)


def _head_text(config: Any) -> str:
    if config.pool == "avg" and not config.head:
        return "cam"
    return ",".join(map(str, config.head))


def _train(args: argparse.Namespace) -> int:
    from pointcam_gui.core.training.train import TrainConfig, TrainProgress, train

    given = {k: getattr(args, k) for k in ("epochs", "points", "batch_size", "lr", "seed",
                                            "device", "val_fraction", "widths", "head", "threads",
                                            "workers", "normalization", "outlier_weight",
                                            "precision", "teacher_weight")}
    if given["head"] == "cam":
        given.update(head=(), pool="avg")
    if args.outliers is not None:
        given["outliers"] = str(args.outliers)
    if args.init is not None:
        given["init"] = str(args.init)
    if args.teacher is not None:
        given["teacher"] = str(args.teacher)
    config = TrainConfig(**{k: v for k, v in given.items() if v is not None})
    command = (f"pointcam train {args.data} --out {args.out} --epochs {config.epochs} "
               f"--points {config.points} --batch-size {config.batch_size} --lr {config.lr} "
               f"--seed {config.seed} --device {config.device} "
               f"--val-fraction {config.val_fraction} "
               # with --init the starting weights' architecture wins: no widths to record
               + ("" if config.init else f"--widths {','.join(map(str, config.widths))} "
                  f"--head {_head_text(config)} ")
               + f"--normalization {config.normalization}"
               + (f" --outliers {config.outliers} --outlier-weight {config.outlier_weight}"
                  if config.outliers else "") + (f" --init {config.init}" if config.init else "")
               + (f" --precision {config.precision}" if config.precision != "float32" else "")
               + (f" --teacher {config.teacher} --teacher-weight {config.teacher_weight}"
                  if config.teacher else ""))
    bar = progress_bar("reading parts")

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
            bar = progress_bar(f"epoch {p.epoch}/{config.epochs}")
            bar.unit = "batch"
        bar_updater(bar)(p.done, p.total)

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
    from pointcam_gui.core.training.evaluation import evaluate, save_confusion_png

    clf = Classifier.load(args.weights, device=args.device, num_points=args.points)
    with progress_bar("evaluating") as bar:
        report = evaluate(args.data, clf, seed=args.seed, rotate=args.rotate,
                          progress=bar_updater(bar))
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




def _merge(args: argparse.Namespace) -> int:
    from pointcam_gui.core.training.merge import merge_files

    command = f"pointcam merge {' '.join(map(str, args.weights))} --out {args.out}"
    out = merge_files(args.weights, args.out, command)
    print(f"weights: {out} (uncalibrated: run `pointcam calibrate DATA --weights {out}`)")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from pointcam_gui.core import Classifier
    from pointcam_gui.core.trust import collect_views, fit_trust, write_trust

    if not 0.0 < args.flag_rate < 1.0:
        raise PointCAMError(f"--flag-rate must be between 0 and 1, got {args.flag_rate}")
    clf = Classifier.load(args.weights, device=args.device)
    with progress_bar("analysing") as bar:
        views = collect_views(args.data, clf, args.seed, progress=bar_updater(bar))
    _report_skipped(views.skipped)
    fit = fit_trust(views, len(clf.class_names), args.novelty, args.flag_rate, args.seed,
                    clf.temperature if args.keep_temperature else None)
    out = write_trust(args.weights, args.out or args.weights, clf, fit, str(args.data))
    cal = fit.calibration
    print(f"temperature {fit.temperature:.3f}: ECE {cal['ece_before']:.3f} -> "
          f"{cal['ece_after']:.3f} on {cal['parts']} held-out parts")
    print(f"novelty {fit.novelty.method}: threshold {fit.novelty.threshold:.4g} "
          f"({100 * args.flag_rate:.0f}% of held-out parts above it)")
    print(f"weights: {out}")
    return 0
