"""The heat-coloured scene of an Analysis, shared by the window's viewport and the CLI's screenshot.

Off-screen pictures (the CLI's ``--screenshot``, the batch report's thumbnails) are built on this
scene in ``render.offscreen``.

Qt-free; imports pyvista. Core never imports this module. The viewport builds its scene with
these functions, so the CLI's picture and the window show the same mesh, colours and scalar bar.
Recolouring for another target writes into the existing scalars array: no new actor, no copy of
the geometry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyvista as pv

from pointcam_gui.render.shading import DisplayGeometry, display_geometry
from pointcam_gui.render.style import CAMERA_PRESETS, COLORMAPS, SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis

__all__ = ["CAMERA_PRESETS", "COLORMAPS", "SceneActors", "SceneStyle", "add_coarse", "build_scene",
           "grab_image", "recolour", "show_coarse"]

HEAT = "heat"
# Direction from the focal point to the camera, and the camera's up vector (Z is up for parts).
_CAMERAS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "iso": ((1.0, -1.0, 0.8), (0.0, 0.0, 1.0)),
    "front": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)),
    "top": ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    "right": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
}
# Two-colour vertical gradients (bottom, top): calm enough that the heat colours stand out.
BACKGROUNDS: dict[bool, tuple[str, str]] = {False: ("#d9dee6", "#ffffff"),
                                            True: ("#15181d", "#2b313b")}
TEXT_COLORS: dict[bool, str] = {False: "#1f2430", True: "#e6e9ef"}


@dataclass
class SceneActors:
    """What `build_scene` added, kept so that a recolour touches arrays, not the pipeline."""

    geometry: DisplayGeometry
    mesh: pv.PolyData
    mesh_actor: Any
    scalar_bar: Any
    cloud: pv.PolyData
    cloud_actor: Any
    # The coarse copy drawn while the camera moves (render.lod), once the worker has made it.
    coarse_geometry: DisplayGeometry | None = None
    coarse: pv.PolyData | None = None
    coarse_actor: Any = None
    # Heat per display vertex that the full mesh's arrays do not carry yet (``recolour`` with
    # ``defer_full``): written just before the full mesh is next drawn (``show_coarse``).
    pending: np.ndarray | None = None


def heat_polydata(analysis: Analysis, target: int, geometry: DisplayGeometry) -> pv.PolyData:
    """The display mesh, split at creases, with its normals (none for a big part's facets)
    and the target's heat."""
    vertices: Any = geometry.vertices
    mesh = pv.PolyData.from_regular_faces(vertices, geometry.faces)
    # Our own normals instead of pyvista's smooth-shading filter: that filter would sit in the
    # pipeline and recompute normals on every recolour.
    if geometry.normals is not None:
        mesh.point_data["Normals"] = geometry.normals
        mesh.point_data.active_normals_name = "Normals"
    mesh.point_data[HEAT] = geometry.heat(analysis.vertex_heat[target]).astype(np.float32)
    mesh.point_data.active_scalars_name = HEAT
    return mesh


def point_cloud(analysis: Analysis, target: int) -> pv.PolyData:
    """The sampled points (part coordinates) with the target's per-point Grad-CAM value."""
    cloud = pv.PolyData(np.asarray(analysis.points, dtype=np.float32))
    cloud.point_data[HEAT] = np.array(analysis.cams[target], dtype=np.float32)
    return cloud


def scalar_bar_title(analysis: Analysis, target: int) -> str:
    """'Grad-CAM: Hook', or 'Occlusion: Hook rather than Clamps' for a contrast."""
    from pointcam_gui.core.explain import method_info

    names = analysis.class_names
    versus = "" if analysis.contrast is None else f" rather than {names[analysis.contrast]}"
    return f"{method_info(analysis.method).title}: {names[target]}{versus}"


@contextmanager
def one_render(plotter: Any) -> Iterator[None]:
    """Batch scene changes: pyvista renders after each add/reset otherwise (slow in software GL)."""
    before = plotter.suppress_rendering
    plotter.suppress_rendering = True
    try:
        yield
    finally:
        plotter.suppress_rendering = before


def build_scene(plotter: Any, analysis: Analysis, target: int, style: SceneStyle,
                geometry: DisplayGeometry | None = None) -> SceneActors:
    """Add the heat mesh, its scalar bar and the (maybe hidden) sampled points to `plotter`.

    `geometry` is the display mesh as ``shading.display_geometry`` makes it (made here when not
    given; the GUI's worker makes it off the GUI thread). Renders nothing: the caller renders
    once at the end.
    """
    if geometry is None:
        geometry = display_geometry(analysis.display_mesh)
    with one_render(plotter):
        return _build(plotter, analysis, target, style, geometry)


def _build(plotter: Any, analysis: Analysis, target: int, style: SceneStyle,
           geometry: DisplayGeometry) -> SceneActors:
    text = TEXT_COLORS[style.dark]
    mesh = heat_polydata(analysis, target, geometry)
    bar_args: Any = {"title": scalar_bar_title(analysis, target), "color": text,
                "n_labels": 3, "fmt": "%.1f", "vertical": False, "position_x": 0.25,
                "position_y": 0.04, "width": 0.5, "height": 0.06, "title_font_size": 16,
                "label_font_size": 13, "bold": False, "shadow": False}
    cmap: Any = style.cmap
    mesh_actor = _add_part(plotter, mesh, style, name="part", scalar_bar_args=bar_args)
    bar = plotter.scalar_bar
    cloud = point_cloud(analysis, target)
    cloud_actor = plotter.add_mesh(cloud, scalars=HEAT, cmap=cmap, clim=(0.0, 1.0),
                                   render_points_as_spheres=True, point_size=7.0,
                                   show_scalar_bar=False, name="points")
    cloud_actor.SetVisibility(style.show_points)
    apply_background(plotter, style.dark)
    apply_camera(plotter, style.camera, parallel=style.parallel)
    return SceneActors(geometry, mesh, mesh_actor, bar, cloud, cloud_actor)


def _add_part(plotter: Any, mesh: pv.PolyData, style: SceneStyle, **kwargs: Any) -> Any:
    """Add a heat mesh with the part's look (the full mesh and its coarse copy share it)."""
    cmap: Any = style.cmap
    actor = plotter.add_mesh(mesh, scalars=HEAT, cmap=cmap, clim=(0.0, 1.0),
                             show_edges=style.show_edges, edge_color="#3a3f4b",
                             opacity=style.opacity, smooth_shading=False, specular=0.25,
                             specular_power=20.0, diffuse=0.85, ambient=0.15, **kwargs)
    actor.prop.interpolation = "gouraud"
    return actor


def add_coarse(plotter: Any, actors: SceneActors, analysis: Analysis, target: int,
               style: SceneStyle, geometry: DisplayGeometry) -> None:
    """Add the coarse copy of the part (hidden; the caller shows it while the camera moves)."""
    with one_render(plotter):
        if actors.coarse_actor is not None:
            plotter.remove_actor(actors.coarse_actor, render=False)
        mesh = heat_polydata(analysis, target, geometry)
        actor = _add_part(plotter, mesh, style, name="part-coarse", show_scalar_bar=False,
                          reset_camera=False)
        actor.SetVisibility(False)
    actors.coarse_geometry, actors.coarse, actors.coarse_actor = geometry, mesh, actor


def show_coarse(actors: SceneActors, coarse: bool) -> bool:
    """Draw the coarse copy (True) or the full mesh; False when there is no coarse copy. The
    full mesh gets the heat a deferred recolour left for it before it is drawn."""
    if not coarse and actors.pending is not None:
        _assign(actors.mesh, actors.geometry.heat(actors.pending))
        actors.pending = None
    if actors.coarse_actor is None:
        return False
    actors.coarse_actor.SetVisibility(coarse)
    actors.mesh_actor.SetVisibility(not coarse)
    return True


def recolour(actors: SceneActors, analysis: Analysis, target: int, *,
             defer_full: bool = False) -> None:
    """Show another class's heat by writing into the existing arrays (no inference, no copy).

    With ``defer_full`` (the next frames draw the coarse copy) the full mesh's arrays are
    written only when it is next drawn (``show_coarse``): for a 5M-face part that write and
    its gather took 5 ms of a 50 ms switch, and stepping through the classes skips them."""
    heat = analysis.vertex_heat[target]
    if defer_full and actors.coarse is not None:
        actors.pending = heat
    else:
        _assign(actors.mesh, actors.geometry.heat(heat))
        actors.pending = None
    if actors.coarse is not None and actors.coarse_geometry is not None:
        _assign(actors.coarse, actors.coarse_geometry.heat(heat))
    _assign(actors.cloud, analysis.cams[target])
    actors.scalar_bar.SetTitle(scalar_bar_title(analysis, target))


def _assign(data: pv.PolyData, values: np.ndarray) -> None:
    array: Any = data.point_data[HEAT]
    array[:] = values
    data.GetPointData().GetArray(HEAT).Modified()


def apply_style(plotter: Any, actors: SceneActors, style: SceneStyle) -> None:
    """Apply colormap, edges, opacity, points and background to an existing scene (no render)."""
    with one_render(plotter):
        parts = [a for a in (actors.mesh_actor, actors.coarse_actor) if a is not None]
        for actor in (*parts, actors.cloud_actor):
            actor.mapper.lookup_table.cmap = style.cmap
        for actor in parts:
            actor.prop.show_edges = style.show_edges
            actor.prop.opacity = style.opacity
        actors.cloud_actor.SetVisibility(style.show_points)
        color = pv.Color(TEXT_COLORS[style.dark]).float_rgb
        actors.scalar_bar.GetTitleTextProperty().SetColor(color)
        actors.scalar_bar.GetLabelTextProperty().SetColor(color)
        apply_background(plotter, style.dark)


def apply_background(plotter: Any, dark: bool) -> None:
    bottom, top = BACKGROUNDS[dark]
    with one_render(plotter):
        plotter.set_background(bottom, top=top)


def grab_image(plotter: Any, dark: bool, *, scale: int = 1,
               transparent: bool = False) -> np.ndarray:
    """The rendered scene as an (H,W,3|4) uint8 array, `scale` times the window's size.

    VTK's gradient background is opaque, so a transparent picture is taken over the plain
    background colour, which then comes out see-through.
    """
    if transparent:
        with one_render(plotter):
            plotter.set_background(BACKGROUNDS[dark][0])
    try:
        image: Any = plotter.screenshot(None, transparent_background=transparent,
                                        return_img=True, scale=int(scale))
    finally:
        if transparent:
            apply_background(plotter, dark)
    return np.ascontiguousarray(image)


def apply_camera(plotter: Any, preset: str, *, parallel: bool = False) -> None:
    """Look at everything from one of CAMERA_PRESETS and fit it in view (no render)."""
    direction, up = _CAMERAS[preset]
    with one_render(plotter):
        bounds = np.asarray(plotter.bounds, dtype=float)
        center = (bounds[0::2] + bounds[1::2]) / 2.0
        camera = plotter.camera
        camera.focal_point = tuple(center)
        camera.position = tuple(center + np.asarray(direction))
        camera.up = up
        if parallel:
            plotter.enable_parallel_projection()
        else:
            plotter.disable_parallel_projection()
        plotter.reset_camera()
