"""The novelty verdict in the viewer: a calm banner for unfamiliar parts, a score in the status.

Each case puts a verdict on the real analysis the worker computes (the tiny test model's own does
not matter), and the window shows it through its one path.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pointcam_gui.core.classifier import Analysis, Classifier
from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.gui.panels import SidePanel
from pointcam_gui.gui.status import format_novelty
from pointcam_gui.render.style import SceneStyle
from tests.gui.conftest import open_and_wait


def _with_verdict(novelty: float, unfamiliar: bool) -> Callable[..., Analysis]:
    """Classifier.analyse, with the novelty verdict replaced by the given one."""
    from dataclasses import replace

    original = Classifier.analyse

    def analyse(self: Classifier, *args: Any, **kwargs: Any) -> Analysis:
        analysis = original(self, *args, **kwargs)
        explanation = replace(analysis.explanation, novelty=novelty, unfamiliar=unfamiliar)
        return replace(analysis, explanation=explanation)

    return analyse


def test_unfamiliar_part_shows_the_banner_and_a_familiar_part_hides_it(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    banner = window.panel.novelty_banner
    monkeypatch.setattr(Classifier, "analyse", _with_verdict(12.3, unfamiliar=True))
    analysis = open_and_wait(qtbot, window, parts["torus"]).analysis
    assert analysis.unfamiliar
    assert banner.isVisible()
    assert f"any of the {len(analysis.class_names)} classes the model knows" in banner.text()
    assert "best guess" in banner.text()
    assert banner.label.wordWrap()
    # above the prediction and the probabilities
    assert banner.geometry().bottom() < window.panel.predicted_name.geometry().top()

    monkeypatch.setattr(Classifier, "analyse", _with_verdict(3.1, unfamiliar=False))
    open_and_wait(qtbot, window, parts["box"])
    assert banner.isHidden()


def test_weights_without_a_novelty_method_show_no_banner(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Classifier, "analyse", _with_verdict(math.nan, unfamiliar=False))
    open_and_wait(qtbot, window, parts["washer"])
    assert window.panel.novelty_banner.isHidden()


def test_banner_is_hidden_while_no_part_is_open(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = SidePanel(SceneStyle())
    qtbot.addWidget(panel)
    panel.show()
    assert panel.novelty_banner.isHidden()


def test_banner_counts_the_classes_the_analysis_has(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = SidePanel(SceneStyle())
    qtbot.addWidget(panel)
    names = ("Bolt", "Nut", "Washer", "Pin", "Gear")
    panel.set_analysis(names, [0.6, 0.1, 0.1, 0.1, 0.1], 0, 0, "part.stl", novelty=9.0,
                       unfamiliar=True)
    assert "any of the 5 classes" in panel.novelty_banner.text()
    assert not panel.novelty_banner.isHidden()


def test_status_bar_shows_the_novelty_and_says_when_the_part_is_unfamiliar(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Classifier, "analyse", _with_verdict(12.34, unfamiliar=True))
    open_and_wait(qtbot, window, parts["torus"])
    assert "novelty 12.3 (unfamiliar)" in window.status.message.text()

    monkeypatch.setattr(Classifier, "analyse", _with_verdict(3.1, unfamiliar=False))
    open_and_wait(qtbot, window, parts["box"])
    text = window.status.message.text()
    assert "novelty 3.1" in text and "unfamiliar" not in text


def test_status_bar_leaves_the_novelty_out_when_the_weights_ship_no_method(
        qtbot, window: MainWindow, parts: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Classifier, "analyse", _with_verdict(math.nan, unfamiliar=False))
    result = open_and_wait(qtbot, window, parts["box"])
    assert "novelty" not in window.status.message.text()
    assert result.analysis.predicted_name in window.status.message.text()


def test_panel_says_how_many_views_the_points_come_from(
        qtbot, window: MainWindow, parts: dict[str, Path]) -> None:
    analysis = open_and_wait(qtbot, window, parts["torus"]).analysis
    assert analysis.views > 1
    per_view = len(analysis.points) // analysis.samplings
    assert (f"{analysis.views} views of {per_view:,} points"
            in window.panel.source_label.text())


@pytest.mark.parametrize(("novelty", "unfamiliar", "text"), [
    (12.34, True, "novelty 12.3 (unfamiliar)"),
    (3.1, False, "novelty 3.1"),
    (0.03125, False, "novelty 0.0312"),  # 1 - probability: small numbers keep their digits
    (-8.256, False, "novelty -8.26"),  # energy scores are negative
    (12345.6, True, "novelty 12346 (unfamiliar)"),  # no exponent for big distances
    (math.nan, False, ""),
])
def test_novelty_is_written_with_three_significant_figures(
        novelty: float, unfamiliar: bool, text: str) -> None:
    assert format_novelty(novelty, unfamiliar) == text
