"""The status bar's busy indicator: it moves while something runs, slowly, and only then."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject

from pointcam_gui.gui.status import BusyIndicator, StatusBar


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_busy_indicator_moves_a_few_times_a_second_and_only_while_shown(qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.resize(600, 24)
    bar.show()
    qtbot.waitExposed(bar)
    paints = _Paints()
    bar.progress.installEventFilter(paints)
    assert not bar.is_busy and not bar.progress.timer.isActive()
    assert bar.progress.accessibleName()  # a screen reader can name it
    bar.busy("Opening part.stl…")
    assert bar.is_busy and bar.progress.timer.isActive()
    qtbot.wait(1000)
    # each move repaints the whole window where an OpenGL viewport composes it: a handful a
    # second, not the style's 60
    assert 2 <= paints.count <= 2 * BusyIndicator.STEPS_PER_S
    bar.idle("Ready")
    assert not bar.is_busy and not bar.progress.timer.isActive()
    before = paints.count
    qtbot.wait(500)
    assert paints.count == before


def test_the_block_slides_out_and_back_within_the_track() -> None:
    indicator = BusyIndicator()
    seen = []
    for _ in range(2 * (2 * BusyIndicator.POSITIONS - 2)):
        seen.append(indicator.position())
        indicator._advance()
    assert min(seen) == 0 and max(seen) == BusyIndicator.POSITIONS - 1
    assert all(abs(b - a) == 1 for a, b in itertools.pairwise(seen))
