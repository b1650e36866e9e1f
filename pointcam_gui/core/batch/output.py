"""Batch rows on disk: JSON Lines, CSV or Parquet, always written atomically, and resumable.

While a batch runs, each finished row is appended to ``<out>.partial.jsonl`` (flushed, so an
interrupted run keeps what it did); at the end every row, sorted by file, is written to the
output in its format by one atomic rename, and the partial file is removed. ``--resume`` reads
the output and any partial file back and skips the parts whose content hash they hold.

JSON Lines keeps a row's shape (``predicted`` and ``probabilities`` as objects); CSV and Parquet
get it flattened into columns (``predicted_name``, ``probability: <class>``, ``bbox_min_x``...),
and read back into the same shape.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.export import check_suffix, write_atomic

OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")
PARQUET_HINT = 'writing Parquet needs pyarrow: pip install "pointcam[parquet]"'
_AXES = "xyz"
_PROBABILITY = "probability: "


def check_output(path: Path) -> str:
    """The output's suffix, or one line saying which ones work; Parquet needs pyarrow."""
    suffix = check_suffix(path, OUTPUT_SUFFIXES, "batch results")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise PointCAMError(PARQUET_HINT) from None
    return suffix


def partial_path(out: Path) -> Path:
    return out.with_name(out.name + ".partial.jsonl")


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One row as flat columns, for CSV and Parquet."""
    flat: dict[str, Any] = {"file": row["file"], "sha256": row["sha256"], "error": row["error"]}
    predicted = row.get("predicted") or {}
    for key in ("index", "name", "probability"):
        flat[f"predicted_{key}"] = predicted.get(key)
    flat["novelty"], flat["unfamiliar"], flat["faces"] = (row["novelty"], row["unfamiliar"],
                                                          row["faces"])
    box = row.get("bounding_box") or {}
    for end in ("min", "max"):
        for axis, value in zip(_AXES, box.get(end) or [None] * 3, strict=True):
            flat[f"bbox_{end}_{axis}"] = value
    for name, p in (row.get("probabilities") or {}).items():
        flat[_PROBABILITY + name] = p
    for stage, ms in (row.get("timings_ms") or {}).items():
        flat[f"{stage}_ms"] = ms
    return flat


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """The row ``flatten`` made (empty CSV cells read as None)."""
    def value(key: str) -> Any:
        v = flat.get(key)
        return None if v == "" or (isinstance(v, float) and v != v) else v

    row: dict[str, Any] = {"file": value("file"), "sha256": value("sha256")}
    faces = value("faces")
    row["faces"] = None if faces is None else int(faces)
    lows, highs = ([value(f"bbox_{end}_{a}") for a in _AXES] for end in ("min", "max"))
    row["bounding_box"] = None if lows[0] is None else {
        "min": [float(v) for v in lows], "max": [float(v) for v in highs]}
    name = value("predicted_name")
    row["predicted"] = None if name is None else {
        "index": int(value("predicted_index")), "name": name,
        "probability": float(value("predicted_probability"))}
    probabilities = {k[len(_PROBABILITY):]: value(k) for k in flat if k.startswith(_PROBABILITY)}
    row["probabilities"] = None if name is None else {k: float(v)
                                                     for k, v in probabilities.items()}
    novelty, unfamiliar = value("novelty"), value("unfamiliar")
    row["novelty"] = None if novelty is None else float(novelty)
    row["unfamiliar"] = None if unfamiliar is None else unfamiliar in (True, "True", "true")
    row["timings_ms"] = {k[:-3]: float(v) for k in flat if k.endswith("_ms")
                         if (v := value(k)) is not None}
    row["error"] = value("error")
    return row


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of an output or partial file (a torn last line of a partial file is skipped)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            rows = []
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # the line an interruption cut short
            return [r for r in rows if isinstance(r, dict) and "file" in r]
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as f:
                return [unflatten(r) for r in csv.DictReader(f)]
        import pandas as pd

        return [unflatten(r) for r in pd.read_parquet(path).to_dict("records")]
    except (OSError, ValueError, UnicodeError) as exc:
        raise PointCAMError(f"cannot read the earlier results {path}: {exc}") from None


def write_rows(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """All rows to ``path`` in its format, sorted by file, replacing it atomically."""
    ordered = sorted(rows, key=lambda r: r["file"])
    suffix = path.suffix.lower()

    def write(stream: IO[bytes]) -> None:
        if suffix == ".jsonl":
            for row in ordered:
                stream.write(json_line(row).encode("utf-8"))
        elif suffix == ".csv":
            flat = [flatten(r) for r in ordered]
            text = io.StringIO(newline="")
            writer = csv.DictWriter(text, fieldnames=_columns(flat), lineterminator="\n")
            writer.writeheader()
            writer.writerows(flat)
            stream.write(text.getvalue().encode("utf-8"))
        else:
            import pandas as pd

            flat = [flatten(r) for r in ordered]
            pd.DataFrame(flat, columns=_columns(flat)).to_parquet(stream, index=False)

    return write_atomic(path, write)


def json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


def _columns(flat: list[dict[str, Any]]) -> list[str]:
    """Every column any row has: a full row's order first (error rows have fewer columns)."""
    return list(dict.fromkeys(k for r in sorted(flat, key=len, reverse=True) for k in r))
