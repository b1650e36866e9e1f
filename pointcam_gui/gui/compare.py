"""The compare pane: a second viewport beside the main one, with one camera for both, showing the
part on screen explained another way: another method, another class, or a class against a
contrast. The pane asks the worker for its analysis in its own lane (``AnalysisService.submit``),
so a method already computed for the part is a cache lookup; the window hands it the results
and failures of that lane (``take_result``, ``take_failure``) and the part to follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from pointcam_gui.core.explain.catalogue import DEFAULT_METHOD
from pointcam_gui.gui.method_picker import MethodPicker
from pointcam_gui.gui.viewport import Viewport
from pointcam_gui.render.style import SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis
    from pointcam_gui.gui.requests import AnalysisRequest, AnalysisResult
    from pointcam_gui.gui.service import AnalysisService

RUNNER_UP, PREDICTED, NO_CONTRAST = -2, -1, -1


class ComparePane(QWidget):
    shown = Signal(object)  # AnalysisResult, once on screen

    def __init__(self, service: AnalysisService, main: Viewport, style: SceneStyle,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service, self.main, self.scene_style = service, main, style
        self._part: tuple[str, str] | None = None  # (path, device) of the part to follow
        self._pending: AnalysisRequest | None = None
        self.method_picker = MethodPicker()
        self.method_picker.set_method(DEFAULT_METHOD)
        self.method_picker.method_changed.connect(lambda _name: self.request())
        self.target_combo = QComboBox()
        self.target_combo.setToolTip("The class painted in this view")
        self.target_combo.currentIndexChanged.connect(self._on_target)
        self.contrast_combo = QComboBox()
        self.contrast_combo.setToolTip("Paint why the class rather than this one")
        self.contrast_combo.currentIndexChanged.connect(lambda _row: self.request())
        self.message = QLabel("Open a part to compare two explanations of it side by side")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.viewport = Viewport(self.message)
        self.analysis: Analysis | None = None
        self.target = -1  # the class painted now
        self._order: list[int] = []  # the part's classes, most probable first
        self._linked: Any = None  # the main plotter whose camera this one shares

        header = QGridLayout()  # Method | picker, across; Class | combo | Rather than | combo
        header.setContentsMargins(8, 6, 8, 6)
        header.setHorizontalSpacing(6)
        header.addWidget(QLabel("Method"), 0, 0)
        header.addWidget(self.method_picker, 0, 1, 1, 3)
        header.addWidget(QLabel("Class"), 1, 0)
        header.addWidget(self.target_combo, 1, 1)
        header.addWidget(QLabel("Rather than"), 1, 2)
        header.addWidget(self.contrast_combo, 1, 3)
        header.setColumnStretch(1, 1)
        header.setColumnStretch(3, 1)
        for combo in (self.target_combo, self.contrast_combo):
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addLayout(header)
        root.addWidget(self.viewport, 1)

    # the lane ---------------------------------------------------------------------------
    def follow(self, path: str, device: str, analysis: Analysis) -> None:
        """The main view shows ``analysis`` of ``path``: explain the same part here too."""
        self._part = (path, device)
        self.set_part(analysis.class_names, [float(p) for p in analysis.probabilities])
        self.request()

    def request(self) -> None:
        """Ask the worker for this pane's analysis of the part (when the pane is open)."""
        if not self.isVisible() or self._part is None:
            return
        target, contrast = self.target_index(), self.contrast()
        self._pending = self.service.submit(
            self._part[0], self._part[1], str(target) if target >= 0 else None,
            method=self.method(), contrast=str(contrast) if contrast >= 0 else None,
            compare=True)

    def take_result(self, result: AnalysisResult) -> bool:
        """Whether ``result`` belongs to this pane's lane (then it is shown, if current)."""
        if not result.request.compare:
            return False
        if self._pending is not None and result.request.id == self._pending.id:
            self._pending = None
            self.show_result(result)
            self.shown.emit(result)
        return True

    def take_failure(self, request_id: int, message: str) -> bool:
        if self._pending is None or request_id != self._pending.id:
            return False
        self._pending = None
        self.show_message(message)
        return True

    def set_style(self, style: SceneStyle) -> None:
        self.scene_style = style
        self.viewport.set_style(style)

    # what to show -------------------------------------------------------------------------
    def set_part(self, names: Sequence[str], probabilities: Sequence[float]) -> None:
        """A new part (or model): refill the class choices, keeping the user's where they
        still exist. "Runner-up" (the part's second most probable class) is the default."""
        self._order = sorted(range(len(names)), key=lambda i: -float(probabilities[i]))
        target, contrast = self.target_combo.currentData(), self.contrast_combo.currentData()
        for combo in (self.target_combo, self.contrast_combo):
            combo.blockSignals(True)
            combo.clear()
        self.target_combo.addItem("Runner-up class", RUNNER_UP)
        self.target_combo.addItem("Predicted class", PREDICTED)
        self.contrast_combo.addItem("— (the class alone)", NO_CONTRAST)
        for i, name in enumerate(names):
            self.target_combo.addItem(name, i)
            self.contrast_combo.addItem(name, i)
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(target), 0))
        self.contrast_combo.setCurrentIndex(max(self.contrast_combo.findData(contrast), 0))
        for combo in (self.target_combo, self.contrast_combo):
            combo.blockSignals(False)

    def set_architecture(self, architecture: dict[str, object]) -> None:
        self.method_picker.set_architecture(architecture)
        if not self.method_picker.available(self.method()):
            self.method_picker.set_method(DEFAULT_METHOD)

    def method(self) -> str:
        return self.method_picker.method()

    def target_index(self) -> int:
        """The class to paint, resolved against the part's probabilities."""
        choice = self.target_combo.currentData()
        if choice is None or not self._order:
            return -1
        if choice == RUNNER_UP:
            return self._order[min(1, len(self._order) - 1)]
        return self._order[0] if choice == PREDICTED else int(choice)

    def contrast(self) -> int:
        data = self.contrast_combo.currentData()
        return NO_CONTRAST if data is None else int(data)

    # showing ------------------------------------------------------------------------------
    def show_result(self, result: AnalysisResult) -> None:
        """Show the pane's analysis of the part on screen, seen through the main camera."""
        main_plotter, style = self.main.ensure_plotter(), self.scene_style
        plotter = self.viewport.ensure_plotter()
        if self._linked is not main_plotter:
            share_camera(main_plotter, plotter)
            self._linked = main_plotter
        position = main_plotter.camera_position
        self.analysis, self.target = result.analysis, self.target_index()
        self.viewport.show_analysis(result.analysis, self.target, style, result.geometry,
                                    keep_camera=True)
        plotter.camera_position = position  # a first scene applies the style's preset
        plotter.render()

    def show_message(self, text: str) -> None:
        """Say why there is nothing to compare (the part failed, or the method cannot run)."""
        self.message.setText(text)
        self.viewport.show_placeholder()
        self.analysis = None

    def _on_target(self, _row: int) -> None:
        """Another class: a recolour from the maps already here, no new analysis."""
        target = self.target_index()
        if self.analysis is not None and target >= 0 and target != self.target:
            self.target = target
            self.viewport.set_target(self.analysis, target)

    def shutdown(self) -> None:
        self.viewport.shutdown()
        self._linked = None


def share_camera(main: Any, other: Any) -> None:
    """Give ``other`` (a pyvista plotter) ``main``'s camera, and keep both pictures current:
    whenever either window renders after the camera moved, the other renders too (once; the
    camera's modification time says whether it moved)."""
    other.renderer.camera = main.renderer.camera  # pyvista's own handle, not only VTK's
    camera = main.renderer.GetActiveCamera()
    state = {"seen": camera.GetMTime(), "busy": False}

    def follower(target: Any) -> Any:
        def on_render(_obj: Any, _event: str) -> None:
            if state["busy"] or camera.GetMTime() == state["seen"]:
                return
            state["busy"] = True
            try:
                target.ren_win.Render()
            finally:
                state["seen"], state["busy"] = camera.GetMTime(), False
        return on_render

    main.ren_win.AddObserver("EndEvent", follower(other))
    other.ren_win.AddObserver("EndEvent", follower(main))


def side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One picture of two (H, W, 3|4) renders, the shorter one padded at the bottom with its own
    background (its top-left pixel)."""
    channels = min(left.shape[2], right.shape[2])
    left, right = left[..., :channels], right[..., :channels]
    height = max(left.shape[0], right.shape[0])

    def pad(image: np.ndarray) -> np.ndarray:
        if image.shape[0] == height:
            return image
        fill = np.broadcast_to(image[:1, :1], (height - image.shape[0], image.shape[1], channels))
        return np.concatenate([image, fill])

    return np.ascontiguousarray(np.concatenate([pad(left), pad(right)], axis=1))
