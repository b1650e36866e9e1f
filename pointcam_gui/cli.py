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
from pointcam_gui.cli_batch import add_batch
from pointcam_gui.cli_dataset import add_dataset
from pointcam_gui.cli_training import add_training, point_count
from pointcam_gui.core.device import DEVICE_CHOICES
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD

Handler = Callable[[argparse.Namespace], int]


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus an error; a wrong argument gets one line here."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _add_explain(sub: Any) -> None:
    p = sub.add_parser("explain", help="classify a part and explain it (Grad-CAM or another "
                                       "method)",
                       description="Classify a CAD part and compute the heat of every class "
                                   "(Grad-CAM unless --method says otherwise); print the result, "
                                   "optionally render or export it.")
    p.add_argument("part", type=Path, help="STL, OBJ, PLY, OFF, GLB/GLTF, 3MF (STEP with [step])")
    p.add_argument("--target", help="class to explain: name, unique prefix or index "
                                    "(default: the predicted class)")
    p.add_argument("--method", default=DEFAULT_METHOD,
                   help="explanation method (default gradcam; see `pointcam methods`)")
    p.add_argument("--contrast", metavar="CLASS",
                   help="explain why the target rather than this class (logit difference)")
    p.add_argument("--faithfulness", action="store_true",
                   help="also measure how faithful the target's map is: the probability lost "
                        "when its hottest points move to the centroid, beyond random points")
    p.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--points", type=point_count, help="points to sample (default: the model's)")
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
    import numpy as np

    from pointcam_gui.core import Classifier, load_mesh
    from pointcam_gui.core.explain import method_info
    from pointcam_gui.core.export import IMAGE_SUFFIXES, MESH_SUFFIXES, check_suffix
    from pointcam_gui.core.heatmap import colormap_lut

    colormap_lut(args.colormap)  # fail on a typo before any work
    method = method_info(args.method)
    args.colormap = args.colormap.lower()
    if args.screenshot is not None:
        check_suffix(args.screenshot, IMAGE_SUFFIXES, "a screenshot")
    if args.export_mesh is not None:
        check_suffix(args.export_mesh, MESH_SUFFIXES, "a heat mesh")
    t0 = time.perf_counter()
    # without a picture nothing needs the weld: the analysis is the same, sooner
    mesh = load_mesh(args.part, welded=args.screenshot is not None or args.export_mesh is not None)
    load_ms = (time.perf_counter() - t0) * 1000
    clf = Classifier.load(args.weights, device=args.device, num_points=args.points)
    target = clf.class_index(args.target) if args.target is not None else None
    contrast = clf.class_index(args.contrast) if args.contrast is not None else None
    analysis = clf.analyse(mesh, seed=args.seed, source=args.part, method=method.name,
                           contrast=contrast)
    target = analysis.predicted if target is None else target
    faithful, faithful_ms = None, {}
    if args.faithfulness:
        t1 = time.perf_counter()
        faithful = clf.faithfulness(analysis, target)
        faithful_ms["faithfulness"] = (time.perf_counter() - t1) * 1000

    if args.screenshot is not None:
        from pointcam_gui.render.offscreen import render_screenshot

        render_screenshot(analysis, target, args.screenshot, cmap=args.colormap)
    if args.export_mesh is not None:
        from pointcam_gui.core.export import export_heat_mesh

        export_heat_mesh(analysis, target, args.export_mesh, cmap=args.colormap)
    # after the pictures: they add the refine and heat map stages, which only they need
    timings = {"load": load_ms, **analysis.timings_ms, **faithful_ms}

    names, probs = analysis.class_names, analysis.probabilities
    if args.json:
        out = {
            "file": str(args.part),
            "predicted": {"index": analysis.predicted, "name": analysis.predicted_name,
                          "probability": float(probs[analysis.predicted])},
            "probabilities": {n: round(float(p), 6) for n, p in zip(names, probs, strict=True)},
            "target": {"index": target, "name": names[target]},
            "method": {"name": method.name, "parameters": dict(method.parameters)},
            "contrast": None if contrast is None else {"index": contrast,
                                                        "name": names[contrast]},
            "novelty": None if np.isnan(analysis.novelty) else round(analysis.novelty, 4),
            "unfamiliar": analysis.unfamiliar,
            "num_points": clf.num_points,
            "views": analysis.views,
            "device": analysis.device,
            "timings_ms": {k: round(v, 2) for k, v in timings.items()},
            "model": clf.metadata.provenance.get("name", "custom"),
        }
        if faithful is not None:
            out["faithfulness"] = faithful.to_dict()
        if args.screenshot is not None:
            out["screenshot"] = str(args.screenshot)
        if args.export_mesh is not None:
            out["mesh"] = str(args.export_mesh)
        print(json.dumps(out, indent=2))
        return 0

    print(f"{args.part.name}: {analysis.predicted_name} "
          f"({100 * probs[analysis.predicted]:.1f}%)")
    if analysis.unfamiliar:
        print(f"Unfamiliar: this part does not look like any of the {len(names)} classes the "
              f"model knows (novelty {analysis.novelty:.4g}, threshold "
              f"{clf.novelty.threshold if clf.novelty else float('nan'):.4g}); the classes "
              "below are its best guess")
    for i in probs.argsort()[::-1][:5]:
        print(f"  {100 * probs[i]:5.1f}%  {names[i]}")
    versus = "" if contrast is None else f" rather than {names[contrast]}"
    if target != analysis.predicted or method.name != DEFAULT_METHOD or versus:
        print(f"{method.title}: {names[target]}{versus}")
    if faithful is not None:
        print(f"faithfulness {faithful.score:+.3f}: moving the hottest half of the points to the "
              f"centroid leaves {100 * faithful.deletion[-1]:.0f}% probability, random points "
              f"{100 * faithful.deletion_random[-1]:.0f}% (insertion gap "
              f"{faithful.insertion_gap:+.3f})")
    spent = ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items())
    novelty = "" if np.isnan(analysis.novelty) else f"novelty {analysis.novelty:.4g}; "
    print(f"{novelty}device {analysis.device}, {analysis.views} views of "
          f"{clf.num_points} points; {spent}")
    if args.screenshot is not None:
        print(f"screenshot: {args.screenshot}")
    if args.export_mesh is not None:
        print(f"heat mesh: {args.export_mesh}")
    return 0


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
    for add in (_add_explain, add_batch, _add_methods, _add_classes, add_dataset, add_training):
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
