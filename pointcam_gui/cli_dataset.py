"""`pointcam dataset`: generated parts of the 12 classes, and of other kinds for outlier exposure.

Registered by ``pointcam_gui.cli`` before the training commands that use what it writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pointcam_gui.cli_arguments import bar_updater, positive, progress_bar
from pointcam_gui.core.errors import PointCAMError


def add_dataset(sub: Any) -> None:
    """The dataset subcommand and its two actions."""
    d = sub.add_parser("dataset", help="make a training dataset of generated parts")
    # type(d) is the parent's one-line-error parser class
    dsub = d.add_subparsers(dest="action", metavar="ACTION", parser_class=type(d))
    dsub.required = True
    g = dsub.add_parser("generate", help="generate parts into folder-per-class mesh files",
                        description="Generate N parts per class (folder per class, binary PLY "
                                    "or STL) and a manifest.json; deterministic for a seed.")
    g.add_argument("out", type=Path, metavar="OUT", help="a new or empty folder")
    g.add_argument("--per-class", type=positive, required=True, metavar="N")
    g.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    g.add_argument("--classes", nargs="+", metavar="CLASS",
                   help="names, unique prefixes or slugs such as hook wheel (default: all)")
    g.add_argument("--workers", type=positive, default=2, help="processes (default 2)")
    g.add_argument("--format", choices=("ply", "stl"), default="ply")
    g.set_defaults(handler=_dataset_generate)
    o = dsub.add_parser("generate-others", help="generate parts of no class (outlier exposure)",
                        description="Generate N parts of each other kind (gears, pulleys, "
                                    "brackets, plates, springs, ...) for `pointcam train "
                                    "--outliers`; deterministic for a seed.")
    o.add_argument("out", type=Path, metavar="OUT", help="a new or empty folder")
    o.add_argument("--per-kind", type=positive, required=True, metavar="N")
    o.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    o.add_argument("--kinds", nargs="+", metavar="KIND", help="(default: all)")
    o.add_argument("--workers", type=positive, default=2, help="processes (default 2)")
    o.set_defaults(handler=_dataset_generate_others)


def _dataset_generate(args: argparse.Namespace) -> int:
    from pointcam_gui.core.training.generation import generate_dataset, resolve_classes

    classes = resolve_classes(args.classes) if args.classes else None
    with progress_bar("generating") as bar:
        report = generate_dataset(args.out, args.per_class, args.seed, classes,
                                  workers=args.workers, fmt=args.format,
                                  progress=bar_updater(bar))
    counts = [c["count"] for c in report.manifest["classes"]]
    for f in report.failures:
        print(f"failed {f['class']} seed {f['seed']}: {f['error']}", file=sys.stderr)
    if sum(counts) == 0:
        raise PointCAMError(f"{args.out}: the generator failed on every part")
    print(f"wrote {sum(counts)} parts of {len(counts)} classes to {args.out} "
          f"(manifest.json{f', {len(report.failures)} failed' if report.failures else ''})")
    return 0


def _dataset_generate_others(args: argparse.Namespace) -> int:
    from pointcam_gui.core.training.outliers import generate_others

    with progress_bar("generating") as bar:
        report = generate_others(args.out, args.per_kind, args.seed, args.kinds,
                                 workers=args.workers, progress=bar_updater(bar))
    for f in report.failures:
        print(f"failed {f['class']} seed {f['seed']}: {f['error']}", file=sys.stderr)
    parts = len(report.manifest["parts"])
    if parts == 0:
        raise PointCAMError(f"{args.out}: the generator failed on every part")
    print(f"wrote {parts} parts of {len(report.manifest['kinds'])} other kinds to {args.out}")
    return 0
