"""`pointcam explain`: one part classified and explained, printed, pictured or exported.

Registered by ``pointcam_gui.cli``, which owns the exit codes. Without a picture the part is read
and its views drawn in a forked child (``core.prefetch``) while this process imports torch and
loads the model: on a part of millions of faces the two take about as long as each other.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pointcam_gui.cli_arguments import point_count
from pointcam_gui.core.classes import percent
from pointcam_gui.core.device import DEVICE_CHOICES
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD

if TYPE_CHECKING:
    from pointcam_gui.core.prefetch import Prefetch


def add_explain(sub: Any) -> None:
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

    from pointcam_gui.core import load_mesh
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
    picture = args.screenshot is not None or args.export_mesh is not None
    # without a picture the part is only read and sampled, which needs no torch: a child does
    # it while this process imports torch and loads the model
    prefetch = None if picture else _prefetch(args, method.name)
    try:
        t0 = time.perf_counter()
        mesh = load_mesh(args.part, welded=picture) if prefetch is None else None
        load_ms = (time.perf_counter() - t0) * 1000
        from pointcam_gui.core import Classifier  # torch: after the child has started

        clf = Classifier.load(args.weights, device=args.device, num_points=args.points)
        target = clf.class_index(args.target) if args.target is not None else None
        contrast = clf.class_index(args.contrast) if args.contrast is not None else None
        drawn = None if prefetch is None else prefetch.result()
    finally:
        if prefetch is not None:
            prefetch.close()
    if drawn is not None:
        load_ms = drawn.timings_ms["load"]
        if drawn.key != clf.views_key(args.seed, method.name):  # not what was foreseen
            drawn, mesh = None, load_mesh(args.part, welded=False)
    analysis = clf.analyse(mesh, seed=args.seed, source=args.part, method=method.name,
                           contrast=contrast, drawn=drawn)
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
            "model": "shipped" if args.weights is None else args.weights.name,
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
          f"({percent(probs[analysis.predicted], sign='%')})")
    if analysis.unfamiliar:
        print(f"Unfamiliar: this part does not look like any of the {len(names)} classes the "
              f"model knows (novelty {analysis.novelty:.4g}, threshold "
              f"{clf.novelty.threshold if clf.novelty else float('nan'):.4g}); the classes "
              "below are its best guess")
    for i in probs.argsort()[::-1][:5]:
        print(f"  {percent(probs[i], sign='%'):>7}  {names[i]}")
    versus = "" if contrast is None else f" rather than {names[contrast]}"
    if target != analysis.predicted or method.name != DEFAULT_METHOD or versus:
        print(f"{method.title}: {names[target]}{versus}")
    if faithful is not None:
        print(f"faithfulness {faithful.score:+.3f}: moving the hottest half of the points to the "
              f"centroid leaves {percent(faithful.deletion[-1], 0, '%')} probability, random "
              f"points {percent(faithful.deletion_random[-1], 0, '%')} (insertion gap "
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


def _prefetch(args: argparse.Namespace, method: str) -> Prefetch | None:
    """The part's views drawn in a child for the model the arguments name; None where the
    weights cannot say (they fail with their own message when loaded)."""
    from pointcam_gui.core.checkpoint import read_metadata
    from pointcam_gui.core.mesh_checks import open_part_file
    from pointcam_gui.core.prefetch import Prefetch, views_key
    from pointcam_gui.resources import model_path

    open_part_file(args.part.expanduser())  # a missing file is said at once, as before
    try:
        meta = read_metadata(args.weights.expanduser() if args.weights else model_path())
    except PointCAMError:
        return None
    return Prefetch(args.part.expanduser(), *views_key(args.points or meta.num_points,
                                                       meta.normalization, args.seed, method))
