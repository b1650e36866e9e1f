"""A test helper shared by the weld and loader tests: make every row hash collide."""

from __future__ import annotations

import numpy as np
import pytest

from pointcam_gui.core import grouping, welding


def colliding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row hashed to the same key, wherever rows are hashed: the code must then tell
    rows apart by comparing them, never by their hash alone."""
    for module in (welding, grouping):
        monkeypatch.setattr(module, "row_keys", lambda q: np.zeros(len(q), dtype=np.uint64))
