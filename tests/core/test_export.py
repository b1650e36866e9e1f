"""Atomic writes and the heat exports (mesh: PLY, GLB, OBJ; points: CSV, JSON)."""

from __future__ import annotations

import csv
import errno
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pytest
import trimesh

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.export import export_heat_mesh, export_point_heat, write_atomic
from pointcam_gui.core.heatmap import colorize, heat_per_vertex
from pointcam_gui.core.refine import refine_for_display

NAMES = ("Hook", "Wheel, spoked", "Nut")  # a comma in a class name must survive CSV


@dataclass(frozen=True)
class StandIn:
    """The fields of classifier.Analysis that the exporters read."""

    source: str | None
    points: np.ndarray
    display_mesh: trimesh.Trimesh
    vertex_heat: np.ndarray
    class_names: tuple[str, ...]
    probabilities: np.ndarray
    predicted: int
    cams: np.ndarray

    def heat(self, target: int) -> np.ndarray:
        return self.vertex_heat[target]


def _load(path: Path) -> trimesh.Trimesh:
    loaded = trimesh.load(path, process=False)
    if isinstance(loaded, trimesh.Scene):  # GLB: one mesh in a scene
        (loaded,) = loaded.geometry.values()
    assert isinstance(loaded, trimesh.Trimesh)
    return loaded


def _colours(mesh: trimesh.Trimesh) -> np.ndarray:
    assert isinstance(mesh.visual, trimesh.visual.ColorVisuals)
    return np.asarray(mesh.visual.vertex_colors)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def analysis() -> StandIn:
    box = trimesh.creation.box((1.0, 2.0, 3.0))
    points = np.asarray(trimesh.sample.sample_surface(box, 128, seed=0)[0], dtype=np.float32)
    rng = np.random.default_rng(0)
    cams = rng.random((len(NAMES), 128)).astype(np.float32)
    display = refine_for_display(box, vertex_budget=3_000)
    return StandIn(source="part.stl", points=points, display_mesh=display,
                   vertex_heat=heat_per_vertex(points, cams, display.vertices),
                   class_names=NAMES, probabilities=np.array([0.1, 0.7, 0.2], np.float32),
                   predicted=1, cams=cams)


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "heat.ply"
    target.write_bytes(b"the old export")

    def half_then_fail(stream: IO[bytes]) -> None:
        stream.write(b"half a new exp")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"the old export"
    assert _names(tmp_path) == ["heat.ply"]


def test_disk_errors_become_one_line_messages_and_keep_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "heat.csv"
    target.write_bytes(b"old")

    def disk_full(stream: IO[bytes]) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(PointCAMError, match="No space left on device") as info:
        write_atomic(target, disk_full)
    assert "\n" not in str(info.value) and "heat.csv" in str(info.value)
    assert target.read_bytes() == b"old" and _names(tmp_path) == ["heat.csv"]


def test_write_replaces_the_target_with_ordinary_permissions(tmp_path: Path) -> None:
    fresh = write_atomic(tmp_path / "new.json", lambda s: s.write(b"{}"))
    assert fresh.read_bytes() == b"{}" and fresh.stat().st_mode & 0o777 == 0o644
    kept = tmp_path / "private.json"
    kept.write_bytes(b"old")
    kept.chmod(0o600)
    write_atomic(kept, lambda s: s.write(b"new"))
    assert kept.read_bytes() == b"new" and kept.stat().st_mode & 0o777 == 0o600


def test_missing_folder_or_folder_target_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(PointCAMError, match="does not exist"):
        write_atomic(tmp_path / "nowhere" / "heat.ply", lambda s: s.write(b"x"))
    with pytest.raises(PointCAMError, match="is a folder"):
        write_atomic(tmp_path, lambda s: s.write(b"x"))


def test_exported_ply_reloads_with_vertices_colours_and_heat(analysis: StandIn,
                                                              tmp_path: Path) -> None:
    path = export_heat_mesh(analysis, 2, tmp_path / "nut heat.ply")
    loaded = _load(path)
    heat = analysis.heat(2)
    assert len(loaded.vertices) == len(analysis.display_mesh.vertices)
    assert len(loaded.faces) == len(analysis.display_mesh.faces)
    np.testing.assert_array_equal(_colours(loaded), colorize(heat))
    raw = loaded.metadata["_ply_raw"]["vertex"]["data"]
    np.testing.assert_array_equal(raw["heat"], heat)
    header = path.read_bytes().split(b"end_header")[0].decode("ascii")
    assert header.startswith("ply\nformat binary_little_endian") and "'Nut', colormap jet" in header


def test_exported_glb_reloads_with_vertex_colours_and_heat(analysis: StandIn,
                                                           tmp_path: Path) -> None:
    path = export_heat_mesh(analysis, 0, tmp_path / "heat.glb", cmap="viridis")
    mesh = _load(path)
    assert len(mesh.vertices) == len(analysis.display_mesh.vertices)
    np.testing.assert_array_equal(_colours(mesh), colorize(analysis.heat(0), "viridis"))
    np.testing.assert_allclose(np.ravel(mesh.vertex_attributes["_HEAT"]), analysis.heat(0))


def test_exported_obj_carries_vertex_colours(analysis: StandIn, tmp_path: Path) -> None:
    path = export_heat_mesh(analysis, 1, tmp_path / "heat.OBJ")
    loaded = _load(path)
    assert len(loaded.vertices) == len(analysis.display_mesh.vertices)
    colours = _colours(loaded).astype(int)
    assert np.abs(colours - colorize(analysis.heat(1))).max() <= 1  # OBJ stores 0..1 floats


def test_colormap_choice_changes_the_exported_colours(analysis: StandIn, tmp_path: Path) -> None:
    jet = _load(export_heat_mesh(analysis, 1, tmp_path / "a.ply"))
    turbo = _load(export_heat_mesh(analysis, 1, tmp_path / "b.ply", "turbo"))
    assert not np.array_equal(_colours(jet), _colours(turbo))


@pytest.mark.parametrize(("target", "cmap", "name", "message"), [
    (0, "jet", "heat.stl", "use .ply, .glb, .obj"),
    (0, "jet", "heat", "use .ply, .glb, .obj"),
    (3, "jet", "heat.ply", "no class 3"),
    (0, "rainbow", "heat.ply", "unknown colormap"),
])
def test_bad_mesh_export_requests_write_nothing(analysis: StandIn, tmp_path: Path, target: int,
                                                cmap: str, name: str, message: str) -> None:
    with pytest.raises(PointCAMError, match=message) as info:
        export_heat_mesh(analysis, target, tmp_path / name, cmap=cmap)
    assert "\n" not in str(info.value)
    assert _names(tmp_path) == []


def test_point_heat_csv_has_a_header_and_one_row_per_point(analysis: StandIn,
                                                          tmp_path: Path) -> None:
    path = export_point_heat(analysis, tmp_path / "points.csv")
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["x", "y", "z", *NAMES]
    table = np.array(rows[1:], dtype=np.float64)
    assert table.shape == (128, 3 + len(NAMES))
    np.testing.assert_allclose(table[:, :3], analysis.points, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(table[:, 3:], analysis.cams.T, atol=1e-5)


def test_point_heat_json_holds_prediction_points_and_every_class(analysis: StandIn,
                                                                 tmp_path: Path) -> None:
    path = export_point_heat(analysis, tmp_path / "points.JSON")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["file"] == "part.stl"
    assert document["predicted"] == {"index": 1, "name": "Wheel, spoked", "probability": 0.7}
    assert document["probabilities"] == pytest.approx(dict(zip(NAMES, [0.1, 0.7, 0.2],
                                                               strict=True)))
    assert document["class_names"] == list(NAMES) and document["num_points"] == 128
    np.testing.assert_allclose(document["points"], analysis.points, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(document["cams"], analysis.cams, atol=1e-6)


def test_unknown_point_heat_suffix_is_a_one_line_error(analysis: StandIn, tmp_path: Path) -> None:
    with pytest.raises(PointCAMError, match=r"use \.csv, \.json"):
        export_point_heat(analysis, tmp_path / "points.xlsx")
    assert _names(tmp_path) == []


def test_a_real_analysis_exports_its_mesh_and_points(tiny_weights: Path, tmp_path: Path) -> None:
    from pointcam_gui.core import Classifier

    real = Classifier.load(tiny_weights, device="cpu").analyse(trimesh.creation.box(),
                                                               source="box.stl")
    mesh = _load(export_heat_mesh(real, real.predicted, tmp_path / "box.ply"))
    assert len(mesh.vertices) == len(real.display_mesh.vertices)
    np.testing.assert_array_equal(_colours(mesh), colorize(real.heat(real.predicted)))
    document = json.loads(export_point_heat(real, tmp_path / "box.json").read_text())
    assert document["predicted"]["name"] == real.predicted_name
    assert len(document["cams"]) == len(real.class_names)
