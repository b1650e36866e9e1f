"""How the heat scene is drawn, described without pyvista, so the window can build its controls
before the (slow to import) 3D stack is loaded. `scene.py` turns a SceneStyle into actors."""

from __future__ import annotations

from dataclasses import dataclass

# Nine evenly spaced stops of each colormap in core.heatmap.COLORMAPS (matplotlib's values), for
# the swatches in the colormap chooser; the part itself is painted with the full colormap.
COLORMAP_STOPS: dict[str, tuple[str, ...]] = {
    "jet": ("#000080", "#0000ff", "#0080ff", "#16ffe1", "#7dff7a", "#e4ff13", "#ff9400",
            "#ff1e00", "#800000"),
    "turbo": ("#30123b", "#466be3", "#28bceb", "#32f298", "#a4fc3c", "#eecf3a", "#fb7e21",
              "#d02f05", "#7a0403"),
    "viridis": ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962",
                "#addc30", "#fde725"),
    "inferno": ("#000004", "#210c4a", "#57106e", "#8a226a", "#bc3754", "#e45a31", "#f98e09",
                "#f9cb35", "#fcffa4"),
    "coolwarm": ("#3b4cc0", "#6282ea", "#8db0fe", "#b9d0f9", "#dddcdc", "#f5c4ac", "#f4987a",
                 "#dd5f4b", "#b40426"),
}
COLORMAPS: tuple[str, ...] = tuple(COLORMAP_STOPS)
DEFAULT_COLORMAP = "jet"
CAMERA_PRESETS: tuple[str, ...] = ("iso", "front", "top", "right")


@dataclass(frozen=True)
class SceneStyle:
    """Everything the View menu and the display panel control."""

    cmap: str = DEFAULT_COLORMAP
    show_points: bool = False
    show_edges: bool = False
    opacity: float = 1.0
    dark: bool = False
    camera: str = "iso"
    parallel: bool = False
