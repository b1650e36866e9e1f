"""Trust on real parts, in one run: the dev set's figures for issue "Trust" (not part of the tests).

    python benchmarks/trust_bench.py --fit-data DATA [--dev ../shared/realparts-dev]
                                     [--generated HELDOUT] [--weights W]

- top-1 on the dev set's 52 real parts of the 12 classes, overall and per class, and ECE, beside
  the ECE a perfectly calibrated model would measure on so few parts (its noise floor);
- novelty: AUROC of every candidate method between the dev set's known parts and its unfamiliar
  parts (all, near, far), each candidate fitted by ``pointcam calibrate``'s own code on
  ``--fit-data`` (generated parts of the 12 classes, not used in training); and, for the method
  and threshold shipped in the weights, the share of unfamiliar and of known parts flagged;
- stability: sampling seeds 0 and 1 on every known dev part (and on ``--generated`` parts):
  same predicted class, and the correlation of the predicted class's heat over the display
  vertices (two all-zero maps count as identical); a rotated, moved and rescaled copy, too.

The dev set is read from ``../shared/realparts-dev`` (never copied into the repository); the
script exits with a message when it is absent.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
import trimesh

from pointcam_gui.core import Analysis, Classifier, load_mesh
from pointcam_gui.core.calibration import (
    ece_of_a_calibrated_model,
    expected_calibration_error,
    view_probabilities,
)
from pointcam_gui.core.classes import PART_CLASSES, SLUGS
from pointcam_gui.core.novelty import METHODS, auroc, view_scores
from pointcam_gui.core.training.augmentation import random_rotations
from pointcam_gui.core.trust import collect_views, fit_trust

DEV = Path(__file__).resolve().parents[2] / "shared" / "realparts-dev"


def heat_correlation(a: np.ndarray, b: np.ndarray) -> float:
    if a.std() == 0 or b.std() == 0:
        return 1.0 if np.allclose(a, b) else 0.0
    return float(np.corrcoef(a, b)[0, 1])


def moved_copy(mesh: trimesh.Trimesh,
               rng: np.random.Generator) -> tuple[trimesh.Trimesh, np.ndarray]:
    """Rotated at random, moved by 1000 units and scaled from mm to inches; and the transform."""
    copy = mesh.copy()
    transform = np.eye(4)
    transform[:3, :3] = random_rotations(1, rng)[0] / 25.4
    transform[:3, 3] = 1000.0
    copy.apply_transform(transform)
    return copy, transform


def heat_on(analysis: Analysis, target: int, vertices: np.ndarray,
            transform: np.ndarray) -> np.ndarray:
    """The heat of ``analysis`` (of a moved copy) at ``vertices`` of the original part: the copy's
    display mesh may be refined differently, so each vertex takes its nearest copy vertex."""
    from scipy.spatial import cKDTree

    back = trimesh.transform_points(analysis.display_mesh.vertices, np.linalg.inv(transform))
    return analysis.heat(target)[cKDTree(back).query(vertices)[1]]


def stability(clf: Classifier, meshes: list[trimesh.Trimesh], label: str) -> None:
    rng = np.random.default_rng(0)
    seeds, moved, same, times = [], [], 0, []
    for mesh in meshes:
        t0 = time.perf_counter()
        a = clf.analyse(mesh, seed=0)
        times.append(time.perf_counter() - t0)
        b = clf.analyse(mesh, seed=1)
        same += a.predicted == b.predicted
        seeds.append(heat_correlation(a.heat(a.predicted), b.heat(a.predicted)))
        copy, transform = moved_copy(mesh, rng)
        c = clf.analyse(copy, seed=0)
        moved.append(heat_correlation(a.heat(a.predicted), heat_on(c, a.predicted,
                                      a.display_mesh.vertices, transform)))
    s, m = np.array(seeds), np.array(moved)
    print(f"\nstability, {label} ({len(meshes)} parts): same class for seeds 0 and 1: "
          f"{same}/{len(meshes)}")
    print(f"  heat correlation seed 0 vs 1:     median {np.median(s):.3f}, "
          f"10th percentile {np.percentile(s, 10):.3f}, min {s.min():.3f}")
    print(f"  heat correlation moved copy:      median {np.median(m):.3f}, "
          f"10th percentile {np.percentile(m, 10):.3f}, min {m.min():.3f}")
    print(f"  analyse time: median {np.median(times):.3f} s, max {max(times):.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-data", type=Path, required=True,
                        help="generated parts of the 12 classes to fit the candidates on")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--generated", type=Path, help="generated parts for the stability rows")
    parser.add_argument("--weights", type=Path)
    args = parser.parse_args()
    if not (args.dev / "manifest.tsv").is_file():
        print(f"no dev set at {args.dev}; nothing to measure", file=sys.stderr)
        return 2
    clf = Classifier.load(args.weights, device="cpu")
    rows = list(csv.DictReader((args.dev / "manifest.tsv").open(encoding="utf-8"),
                               delimiter="\t"))
    index = {slug: i for i, slug in enumerate(SLUGS[c] for c in PART_CLASSES)}
    meshes = [load_mesh(args.dev / r["local_file"]) for r in rows]
    outputs = [clf.view_outputs(m) for m in meshes]
    known = np.array([r["set"] == "known" for r in rows])
    kind = np.array([r["label"].split(":")[0] for r in rows])  # near / far / a class slug

    # --- top-1 and calibration on the known parts
    truth = np.array([index.get(r["label"], -1) for r in rows])
    probs = np.stack([view_probabilities(z, clf.temperature) for z, _ in outputs])
    pk, yk = probs[known], truth[known]
    right = pk.argmax(1) == yk
    print(f"dev set {args.dev}: {known.sum()} known parts, {(~known).sum()} unfamiliar "
          f"({(kind == 'near').sum()} near, {(kind == 'far').sum()} far)")
    print(f"\ntop-1 on the known parts: {100 * right.mean():.1f}% ({right.sum()}/{len(yk)}); "
          f"ECE (10 bins) {expected_calibration_error(pk, yk):.3f} at T={clf.temperature:.3f}")
    floor = ece_of_a_calibrated_model(pk.max(1))
    print(f"  a perfectly calibrated model stating these {len(pk)} confidences would measure ECE "
          f"{np.median(floor):.3f} in the median (90th percentile {np.percentile(floor, 90):.3f}; "
          f"<= 0.05 in {100 * np.mean(floor <= 0.05):.1f}% of draws)")
    for c, name in enumerate(PART_CLASSES):
        mine = yk == c
        if mine.any():
            print(f"  {name[:40]:<40} {right[mine].sum():>2}/{mine.sum():<2} "
                  f"{100 * right[mine].mean():5.1f}%")
    for r, p, ok in zip([r for r, k in zip(rows, known, strict=True) if k], pk, right,
                        strict=True):
        if not ok:
            print(f"  miss: {Path(r['local_file']).name} ({r['label']}) -> "
                  f"{PART_CLASSES[int(p.argmax())]} {p.max():.2f}")

    # --- novelty candidates, fitted on generated parts by calibrate's own code
    views = collect_views(args.fit_data, clf)
    print(f"\nnovelty AUROC, known vs unfamiliar dev parts (candidates fitted on "
          f"{len(views.labels)} generated parts of {args.fit_data})")
    print(f"  {'method':<12} {'all':>6} {'near':>6} {'far':>6}  flagged: unfamiliar  known")
    for method in METHODS:
        fit = fit_trust(views, len(clf.class_names), method)
        model = fit.novelty
        scores = np.array([np.mean(view_scores(method, z, f, model.arrays, fit.temperature))
                           for z, f in outputs])
        flagged = scores > model.threshold
        print(f"  {method:<12} {auroc(scores[known], scores[~known]):6.3f} "
              f"{auroc(scores[known], scores[kind == 'near']):6.3f} "
              f"{auroc(scores[known], scores[kind == 'far']):6.3f}  "
              f"{100 * flagged[~known].mean():17.1f}% {100 * flagged[known].mean():5.1f}%")
    if clf.novelty is not None:
        shipped = np.array([clf.novelty.score(z, f) for z, f in outputs])
        flagged = shipped > clf.novelty.threshold
        print(f"shipped: {clf.novelty.method}, threshold {clf.novelty.threshold:.4g}: "
              f"{100 * flagged[~known].mean():.1f}% of unfamiliar parts flagged "
              f"({100 * flagged[kind == 'near'].mean():.1f}% near, "
              f"{100 * flagged[kind == 'far'].mean():.1f}% far), "
              f"{100 * flagged[known].mean():.1f}% of known parts flagged")
        wrong = np.zeros(len(rows), bool)
        wrong[known] = ~right
        print(f"  of the {flagged[known].sum()} flagged known parts, {(flagged & wrong).sum()} "
              f"are misclassified; of the {wrong.sum()} misclassified, {(flagged & wrong).sum()} "
              "are flagged")

    stability(clf, [m for m, k in zip(meshes, known, strict=True) if k], "dev known parts")
    if args.generated is not None:
        from pointcam_gui.core.training.dataset import iter_meshes, scan_dataset

        generated = [m for _, _, m in iter_meshes(scan_dataset(args.generated), [])]
        stability(clf, generated, f"generated parts of {args.generated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
