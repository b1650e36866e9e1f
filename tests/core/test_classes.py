from __future__ import annotations

import pytest

from pointcam_gui.core.classes import PART_CLASSES, find_class, percent
from pointcam_gui.core.errors import PointCAMError


@pytest.mark.parametrize(("p", "text"), [
    (0.83, "83.0 %"), (0.5, "50.0 %"), (0.9994, "99.9 %"), (0.0006, "0.1 %"),
    # rounding alone must not claim certainty, either way
    (0.9997, "> 99.9 %"), (1.0, "> 99.9 %"), (0.0004, "< 0.1 %"), (0.0, "< 0.1 %"),
])
def test_percent_never_rounds_to_certainty(p: float, text: str) -> None:
    assert percent(p) == text


def test_percent_follows_its_precision_and_sign() -> None:
    assert percent(0.99996, 2) == "> 99.99 %"
    assert percent(0.9996, 2) == "99.96 %"
    assert percent(0.996, 0, sign="") == "> 99"
    assert percent(0.42, sign="%") == "42.0%"


def test_find_class_by_index_name_and_prefix() -> None:
    assert find_class(PART_CLASSES, 2) == 2
    assert find_class(PART_CLASSES, "hook") == 6
    assert find_class(PART_CLASSES, "elbow") == 4
    with pytest.raises(PointCAMError, match="ambiguous"):
        find_class(PART_CLASSES, "c")
