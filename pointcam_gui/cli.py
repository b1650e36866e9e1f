"""The ``pointcam`` command: the same pipeline as the viewer, from a shell. Never imports the GUI.

Exit codes: 0 ok; 2 bad input or arguments (exactly one line on stderr); 1 an unexpected internal
error (its traceback only with ``-v``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pointcam_gui import __version__
from pointcam_gui.cli_batch import add_batch
from pointcam_gui.cli_dataset import add_dataset
from pointcam_gui.cli_explain import add_explain
from pointcam_gui.cli_training import add_training
from pointcam_gui.core.errors import PointCAMError

Handler = Callable[[argparse.Namespace], int]


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus an error; a wrong argument gets one line here."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _add_methods(sub: Any) -> None:
    p = sub.add_parser("methods", help="list the explanation methods",
                       description="The explanation methods `explain --method` takes, by group, "
                                   "with a one-line description and a reference.")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=_methods)


def _methods(args: argparse.Namespace) -> int:
    from pointcam_gui.core.explain import CATALOGUE, GROUPS

    infos = list(CATALOGUE.values())
    if args.json:
        print(json.dumps([i.to_dict() for i in infos], indent=2))
        return 0
    for group in GROUPS:
        print(f"{group}:")
        for i in (i for i in infos if i.group == group):
            extra = f" [{'; '.join(i.notes)}]" if i.notes else ""
            print(f"  {i.name:22s} {i.description}{extra}")
            print(f"  {'':22s} {i.reference}")
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


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="pointcam",
                            description="PointCAM: classify CAD parts with PointNet and show "
                                        "the Grad-CAM evidence.")
    parser.add_argument("--version", action="version", version=f"pointcam {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details and tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    sub.required = True
    for add in (add_explain, add_batch, _add_methods, _add_classes, add_dataset, add_training):
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
