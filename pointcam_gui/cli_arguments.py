"""What the `pointcam` commands share: argument types that refuse a bad value in one line (exit
2, argparse's usage error), and the progress bar drawn on stderr while parts are read.

The bar hides itself when stderr is not a terminal (``disable=None``), so piped output and logs
stay clean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def point_count(text: str) -> int:
    value = int(text)
    if value < 32:
        raise argparse.ArgumentTypeError(f"--points must be at least 32, got {value}")
    return value


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def progress_bar(desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(desc=desc, file=sys.stderr, unit="part", leave=False, disable=None,
                dynamic_ncols=True)


def bar_updater(bar: Any) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
    return update
