"""Pictures without a window: the CLI's ``--screenshot`` and the batch report's thumbnails.

The same scene as the window's viewport (``render.scene``), rendered off-screen and written
atomically as PNG or JPG, with a caption naming the predicted and the explained class.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyvista as pv

from pointcam_gui.core.classes import percent
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.export import IMAGE_SUFFIXES, check_suffix
from pointcam_gui.render.scene import TEXT_COLORS, build_scene, grab_image
from pointcam_gui.render.style import COLORMAPS, SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis

log = logging.getLogger(__name__)


def render_screenshot(analysis: Analysis, target: int, path: str | Path, *, cmap: str = "jet",
                      size: Sequence[int] = (1600, 1200), transparent: bool = False,
                      style: SceneStyle | None = None) -> Path:
    """Render the heat scene off-screen to a PNG/JPG at `path`, written atomically."""
    out = Path(path)
    check_suffix(out, IMAGE_SUFFIXES, "a screenshot")
    image = render_image(analysis, target, size=size, style=style or SceneStyle(cmap=cmap),
                         transparent=transparent)
    write_image_atomic(image, out)
    log.info("wrote %s (%dx%d)", out, image.shape[1], image.shape[0])
    return out


def render_image(analysis: Analysis, target: int, *, size: Sequence[int] = (1600, 1200),
                 style: SceneStyle | None = None, transparent: bool = False,
                 annotate: bool = True) -> np.ndarray:
    """The heat scene rendered off-screen as an (H,W,3|4) uint8 array; ``annotate=False``
    leaves out the caption and the scalar bar (thumbnails)."""
    style = style or SceneStyle()
    if style.cmap not in COLORMAPS:
        raise PointCAMError(f"unknown colormap {style.cmap!r}; "
                            f"choose one of {', '.join(COLORMAPS)}")
    with _quiet_vtk():  # without a display VTK warns on stderr before it renders off-screen
        plotter = pv.Plotter(off_screen=True, window_size=[int(size[0]), int(size[1])])
    try:
        actors = build_scene(plotter, analysis, target, style)
        if not annotate:
            actors.scalar_bar.SetVisibility(False)
        else:
            plotter.add_text(_caption(analysis, target), position="upper_left", font_size=11,
                             color=TEXT_COLORS[style.dark])
        return np.asarray(grab_image(plotter, style.dark, transparent=transparent))
    finally:
        plotter.close()


@contextmanager
def _quiet_vtk() -> Iterator[None]:
    from vtkmodules.vtkCommonCore import vtkObject

    before = vtkObject.GetGlobalWarningDisplay()
    vtkObject.GlobalWarningDisplayOff()
    try:
        yield
    finally:
        vtkObject.SetGlobalWarningDisplay(before)


def _caption(analysis: Analysis, target: int) -> str:
    predicted = analysis.predicted
    lines = [f"Predicted: {analysis.class_names[predicted]} "
             f"({percent(analysis.probabilities[predicted])})"]
    if target != predicted:
        lines.append(f"Explaining: {analysis.class_names[target]} "
                     f"({percent(analysis.probabilities[target])})")
    return "\n".join(lines)


def write_image_atomic(image: np.ndarray, path: Path) -> Path:
    """Write an (H,W,3|4) uint8 image as PNG or JPG through core's atomic writer."""
    from PIL import Image  # pyvista's own dependency for image output

    from pointcam_gui.core.export import write_atomic

    suffix = check_suffix(path, IMAGE_SUFFIXES, "a screenshot")
    if suffix != ".png" and image.shape[-1] == 4:
        image = image[..., :3]  # JPG has no alpha
    picture = Image.fromarray(np.ascontiguousarray(image))
    fmt = "PNG" if suffix == ".png" else "JPEG"
    return write_atomic(path, lambda stream: picture.save(stream, format=fmt))
