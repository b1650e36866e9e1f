"""`pointcam batch`: many parts in one run, a row each, an optional HTML report; locally or on Ray.

Registered by ``pointcam_gui.cli``, which owns the exit-code convention: 0 when the batch ran,
bad parts included (each is a row with its reason), 2 for bad arguments, 130 when interrupted
(what was done stays in the partial file for ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pointcam_gui.cli_arguments import point_count, positive
from pointcam_gui.core.device import DEVICE_CHOICES
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD


def add_batch(sub: Any) -> None:
    p = sub.add_parser(
        "batch", help="analyse many parts: one row each, an optional HTML report",
        description="Analyse every part file named or found (recursively) under the paths: one "
                    "row per part (class, probabilities, novelty, size, content hash, or the "
                    "reason it could not be read) in JSON Lines, CSV or Parquet, written "
                    "atomically; optionally a self-contained HTML report with a heat picture "
                    "of every part.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help="part files and folders")
    p.add_argument("--out", type=Path, required=True, metavar="RESULTS.jsonl|.csv|.parquet")
    p.add_argument("--report", type=Path, metavar="REPORT.html",
                   help="also write an HTML report with a heat picture of every part")
    p.add_argument("--workers", type=positive,
                   help="processes analysing parts at once (default: one per core)")
    p.add_argument("--resume", action="store_true",
                   help="keep the rows already in RESULTS (or left by an interrupted run) and "
                        "analyse only parts whose content is not among them")
    p.add_argument("--method", default=DEFAULT_METHOD,
                   help="explanation method of the report's pictures (default gradcam)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local processes (default) or tasks on a Ray cluster")
    p.add_argument("--address", help="the Ray cluster's address, e.g. ray://head:10001 "
                                     "(default: start Ray on this machine)")
    p.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto",
                   help="where the model runs (default auto: CUDA when present); workers only "
                        "read and sample parts")
    p.add_argument("--points", type=point_count, help="points to sample (default: the model's)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    p.set_defaults(handler=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from pointcam_gui.core.batch import (
        BatchSettings,
        analyse_many,
        check_output,
        default_workers,
        find_parts,
        partial_path,
        read_rows,
        write_rows,
    )
    from pointcam_gui.core.batch.output import json_line
    from pointcam_gui.core.checkpoint import read_metadata
    from pointcam_gui.core.device import resolve_device
    from pointcam_gui.core.explain import method_info
    from pointcam_gui.core.export import check_suffix
    from pointcam_gui.resources import model_path

    out: Path = args.out.expanduser()
    check_output(out)
    if not out.parent.is_dir():
        raise PointCAMError(f"cannot write {out}: folder {out.parent} does not exist")
    if args.report is not None:
        check_suffix(args.report, (".html",), "a report")
        args.report = args.report.expanduser()
        if not args.report.parent.is_dir():  # found out now, not after the whole batch
            raise PointCAMError(f"cannot write {args.report}: folder {args.report.parent} "
                                "does not exist")
    if args.address and args.engine != "ray":
        raise PointCAMError("--address is for --engine ray")
    method = method_info(args.method).name
    weights = args.weights.expanduser().resolve() if args.weights else model_path()
    meta = read_metadata(weights)  # a bad weights file fails here, once
    resolve_device(args.device)  # so does a missing GPU, before any file is written
    class_names = meta.class_names
    partial = partial_path(out)
    if not args.resume:
        for existing in (out, partial, *([args.report] if args.report else [])):
            if existing.exists():
                raise PointCAMError(f"{existing} exists: pass --resume to add to it, or "
                                    "choose another --out")
    files, ignored = find_parts(args.paths)
    if not files:
        raise PointCAMError(f"no part files found in {', '.join(map(str, args.paths))}")

    kept: list[dict[str, Any]] = []
    if args.resume:
        kept = [r for f in (out, partial) if f.exists() for r in read_rows(f)]
        known = {r["sha256"] for r in kept if r["sha256"]}
        todo = [f for f in files if _hash_or_none(f) not in known]
        again = {str(f) for f in todo}
        kept = [r for r in kept if r["file"] not in again]  # re-analysed: the new row wins
        kept = list({r["file"]: r for r in kept}.values())
    else:
        todo = files
    settings = BatchSettings(weights=str(weights), device=args.device,
                             num_points=args.points or meta.num_points,
                             normalization=meta.normalization, seed=args.seed, method=method,
                             thumbnail=_thumbnailer() if args.report is not None else None)
    thumbs_dir = out.with_name(out.name + ".thumbnails")
    progress = tqdm(total=len(todo), unit="part", file=sys.stderr, disable=None,  # a terminal
                    dynamic_ncols=True, smoothing=0.1, postfix={"errors": 0})
    errors = 0
    new: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        with partial.open("a", encoding="utf-8") as stream:
            for row, picture in analyse_many(todo, settings,
                                             workers=args.workers or default_workers(),
                                             engine=args.engine, address=args.address):
                stream.write(json_line(row))
                stream.flush()
                if picture is not None and row["sha256"]:
                    thumbs_dir.mkdir(exist_ok=True)
                    (thumbs_dir / f"{row['sha256']}.jpg").write_bytes(picture)
                new.append(row)
                if row["error"]:
                    errors += 1
                    progress.set_postfix(errors=errors, refresh=False)
                progress.update()
    except KeyboardInterrupt:
        progress.close()
        print(f"pointcam: interrupted; {len(new)} finished parts kept in {partial}: run the "
              "same command with --resume to go on", file=sys.stderr)
        return 130
    except OSError as exc:
        raise PointCAMError(f"cannot write {partial}: {exc.strerror or exc}") from None
    finally:
        if not new and partial.exists() and partial.stat().st_size == 0:
            partial.unlink()  # nothing done: leave no file that asks for --resume
    progress.close()
    seconds = time.perf_counter() - started
    rows = kept + new
    write_rows(out, rows)
    partial.unlink(missing_ok=True)
    if args.report is not None:
        _write_report(args.report, rows, thumbs_dir, class_names, method, ignored)
    _summary(rows, new, seconds, ignored, len(files) - len(todo), out, args.report)
    return 0


def _hash_or_none(path: Path) -> str | None:
    from pointcam_gui.core.batch import digest

    try:
        return digest(path)
    except PointCAMError:
        return None  # unreadable: analysed again, and its row says why


def _thumbnailer() -> Any:
    """The report's picture maker; it imports pyvista, which core may not."""
    from pointcam_gui.render.thumbnail import thumbnail

    return thumbnail


def _write_report(path: Path, rows: list[dict[str, Any]], thumbs_dir: Path,
                  class_names: tuple[str, ...], method: str, ignored: int) -> None:
    from pointcam_gui.core.batch.report import build_report
    from pointcam_gui.core.export import write_atomic

    pictures = {}
    for row in rows:
        picture = thumbs_dir / f"{row['sha256']}.jpg"
        if row["sha256"] and picture.is_file():
            pictures[row["sha256"]] = picture.read_bytes()
    html = build_report(rows, pictures, class_names, details=f"heat: {method}",
                        ignored=ignored)
    write_atomic(path, lambda stream: stream.write(html.encode("utf-8")))


def _summary(rows: list[dict[str, Any]], new: list[dict[str, Any]], seconds: float,
             ignored: int, skipped: int, out: Path, report: Path | None) -> None:
    good = [r for r in rows if not r["error"]]
    errors, unfamiliar = len(rows) - len(good), sum(bool(r["unfamiliar"]) for r in good)
    rate = len(new) / seconds if seconds > 0 else 0.0
    extra = f"; {skipped} already done" if skipped else ""
    extra += f"; {ignored} other files ignored" if ignored else ""
    print(f"{len(new)} parts analysed in {seconds:.1f} s ({rate:.1f} parts/s){extra}")
    for name, n in Counter(r["predicted"]["name"] for r in good).most_common():
        print(f"  {n:6d}  {name}")
    print(f"{len(rows)} rows: {unfamiliar} unfamiliar, {errors} could not be analysed")
    print(f"results: {out}")
    if report is not None:
        print(f"report: {report}")
