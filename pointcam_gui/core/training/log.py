"""A training run's record: one row per epoch, as CSV and as loss/accuracy curves in a PNG."""

from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    train_loss: float
    train_acc: float
    val_loss: float
    val_acc: float
    lr: float
    seconds: float


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(EpochStats))


def log_paths(weights: Path) -> tuple[Path, Path]:
    """Where a run's CSV log and curves PNG go: beside the weights, named after them."""
    return (weights.with_name(weights.stem + "_log.csv"),
            weights.with_name(weights.stem + "_curves.png"))


def write_log(path: Path, history: list[EpochStats]) -> None:
    """The whole history, rewritten each epoch (atomically, so a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for s in history:
            w.writerow([s.epoch, *(f"{v:.6g}" for v in astuple(s)[1:])])
    tmp.replace(path)


def read_log(path: Path) -> list[EpochStats]:
    with path.open(newline="", encoding="utf-8") as f:
        return [EpochStats(int(r["epoch"]), *(float(r[c]) for c in COLUMNS[1:]))
                for r in csv.DictReader(f)]


def write_curves(path: Path, history: list[EpochStats], best_epoch: int = 0) -> None:
    """Two panels, loss and accuracy, train and validation against epochs (like seed 000's)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(10, 4), dpi=100)  # a fixed layout: constrained costs ~0.5 s a draw
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.92, wspace=0.2)
    FigureCanvasAgg(fig)
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = [s.epoch for s in history]
    for ax, key, title in ((ax_loss, "loss", "Loss"), (ax_acc, "acc", "Accuracy")):
        train = [getattr(s, f"train_{key}") for s in history]
        val = [getattr(s, f"val_{key}") for s in history]
        if key == "acc":
            train, val = [100 * v for v in train], [100 * v for v in val]
        marker = "o" if len(history) < 30 else None
        ax.plot(epochs, train, marker=marker, ms=3, label="train")
        ax.plot(epochs, val, marker=marker, ms=3, label="validation")
        if best_epoch:
            ax.axvline(best_epoch, color="0.6", ls=":", lw=1, label=f"best (epoch {best_epoch})")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylabel("cross-entropy" if key == "loss" else "accuracy (%)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    if history:
        ax_loss.set_xlim(0.5, max(epochs) + 0.5)
        ax_acc.set_xlim(0.5, max(epochs) + 0.5)
        ax_acc.set_ylim(0, 101)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
