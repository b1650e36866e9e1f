"""The side panel says probabilities as people read them, in its rich-text lines too."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QTextDocument

from pointcam_gui.core.explain.faithfulness import Faithfulness
from pointcam_gui.gui.faithfulness_view import FaithfulnessView
from pointcam_gui.gui.panels import SidePanel
from pointcam_gui.render.style import SceneStyle


def _plain(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def test_a_near_certain_prediction_is_not_said_to_be_certain(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = SidePanel(SceneStyle())
    qtbot.addWidget(panel)
    names = ("Bolt", "Nut <M8>", "Washer")
    panel.set_analysis(names, [0.99996, 0.00003, 0.00001], 0, 1, "part.stl")
    assert panel.predicted_prob.text() == "> 99.9 % probability"
    # the line over the list is rich text: '<' must stay text, the class name included
    line = _plain(panel.target_line.text())
    assert "Showing the evidence for Nut <M8> (< 0.1 %), not the predicted class" in line


def test_the_faithfulness_readout_says_what_is_kept(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = FaithfulnessView()
    qtbot.addWidget(view)
    f = np.linspace(0, 0.5, 6)
    view.show_result(Faithfulness(0, f, np.linspace(1, 0.26, 6), np.full(6, 0.9996),
                                  np.linspace(0, 1, 6), np.linspace(0, 1, 6)))
    assert "26 % kept, random > 99 %" in _plain(view.score.text())
    assert "random &gt;&nbsp;99&nbsp;%" in view.score.text()  # on one line
