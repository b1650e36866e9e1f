"""The themes' style sheets: check boxes in the theme's colours; every image named exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pointcam_gui.gui.theme import DARK, LIGHT, Theme, style_sheet


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_check_boxes_are_outlined_in_the_themes_muted_colour(theme: Theme) -> None:
    sheet = style_sheet(theme)
    indicator = re.search(r"QCheckBox::indicator \{([^}]*)\}", sheet)
    assert indicator is not None
    assert f"border: 1px solid {theme.muted}" in indicator.group(1)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_style_sheet_images_exist(theme: Theme) -> None:
    urls = re.findall(r'url\("([^"]+)"\)', style_sheet(theme))
    assert urls, "the checked box should draw a tick image"
    for url in urls:
        assert Path(url).is_file(), url
