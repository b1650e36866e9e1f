"""load_mesh: every supported format round-trips, scenes flatten, limits hold, errors stay ours."""

from __future__ import annotations

import importlib.util
import logging
import os
import struct
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import mesh_checks, mesh_io, step, welding
from pointcam_gui.core.binary_stl import read_binary_stl
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.mesh_io import FILE_FILTER, SUPPORTED_SUFFIXES, describe_formats, load_mesh
from tests.hashing import colliding
from tests.malformed import export_bytes

HAS_CASCADIO = importlib.util.find_spec("cascadio") is not None


def _shapes() -> dict[str, trimesh.Trimesh]:
    """Off-origin shapes, so a loader that recentres or rescales would be caught."""
    box = trimesh.creation.box(extents=(20.0, 10.0, 5.0))
    box.apply_translation((1000.0, -50.0, 3.0))
    cylinder = trimesh.creation.cylinder(radius=4.0, height=12.0, sections=24)
    cylinder.apply_translation((-7.0, 2.0, 40.0))
    return {"box": box, "cylinder": cylinder}


def _write(mesh: trimesh.Trimesh | trimesh.Scene, folder: Path, file_type: str, name: str) -> Path:
    """Export with trimesh; glTF comes as several files, written side by side."""
    folder.mkdir(parents=True, exist_ok=True)
    if file_type == "gltf":
        members = mesh.export(file_type="gltf")
        assert isinstance(members, dict)
        for member, data in members.items():
            (folder / member).write_bytes(data)
        return (folder / "model.gltf").rename(folder / name)
    path = folder / name
    if file_type == "ply_ascii":
        path.write_bytes(export_bytes(mesh, "ply", encoding="ascii"))
    else:
        path.write_bytes(export_bytes(mesh, file_type))
    return path


ROUND_TRIPS = [
    ("stl", ".stl"), ("stl_ascii", ".stl"), ("obj", ".obj"), ("ply", ".ply"),
    ("ply_ascii", ".ply"), ("off", ".off"), ("glb", ".glb"), ("gltf", ".gltf"), ("3mf", ".3mf"),
]


@pytest.mark.parametrize("shape", ["box", "cylinder"])
@pytest.mark.parametrize(("file_type", "suffix"), ROUND_TRIPS)
def test_every_supported_format_round_trips_shape_in_place(
    tmp_path: Path, file_type: str, suffix: str, shape: str
) -> None:
    if suffix not in SUPPORTED_SUFFIXES:
        pytest.skip(f"{suffix} is not loadable in this environment")
    original = _shapes()[shape]
    loaded = load_mesh(_write(original, tmp_path / file_type, file_type, f"{shape}{suffix}"))
    assert isinstance(loaded, trimesh.Trimesh)
    assert len(loaded.faces) == len(original.faces)
    assert len(loaded.vertices) == len(original.vertices)  # welded back after soup formats
    np.testing.assert_allclose(loaded.bounds, original.bounds, atol=1e-4)
    assert loaded.volume == pytest.approx(original.volume, rel=1e-4)


def test_ascii_and_binary_stl_load_the_same_box(tmp_path: Path) -> None:
    box = _shapes()["box"]
    binary = load_mesh(_write(box, tmp_path, "stl", "binary.stl"))
    ascii_ = load_mesh(_write(box, tmp_path, "stl_ascii", "ascii.stl"))
    assert (tmp_path / "ascii.stl").read_bytes().startswith(b"solid")
    np.testing.assert_allclose(binary.bounds, ascii_.bounds, atol=1e-4)
    assert len(binary.faces) == len(ascii_.faces) == 12


def test_multi_body_glb_becomes_one_mesh_with_transforms_applied(tmp_path: Path) -> None:
    box = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
    pin = trimesh.creation.cylinder(radius=0.25, height=4.0, sections=16)
    scene = trimesh.Scene()
    scene.add_geometry(box, geom_name="box", node_name="left",
                       transform=trimesh.transformations.translation_matrix((-10, 0, 0)))
    scene.add_geometry(pin, geom_name="pin", node_name="pin", transform=(
        trimesh.transformations.translation_matrix((0, 5, 0))
        @ trimesh.transformations.rotation_matrix(np.pi / 2, (1, 0, 0))))
    # the same box geometry placed a second time: an instance, not a copy
    scene.graph.update(frame_to="right", geometry="box",
                       matrix=trimesh.transformations.translation_matrix((10, 0, 0)))
    loaded = load_mesh(_write(scene, tmp_path, "glb", "assembly.glb"))
    assert len(loaded.faces) == 2 * len(box.faces) + len(pin.faces)
    np.testing.assert_allclose(loaded.bounds, scene.bounds, atol=1e-5)
    bodies = loaded.split(only_watertight=False)
    centres = sorted(tuple(np.round(b.bounds.mean(axis=0), 4)) for b in bodies)
    assert centres == [(-10.0, 0.0, 0.0), (0.0, 5.0, 0.0), (10.0, 0.0, 0.0)]
    # the pin was rotated to lie along y
    assert loaded.extents[1] == pytest.approx(5.0 + 4.0 / 2 + 0.5, abs=1e-4)


def test_scene_with_a_mesh_and_a_drawing_keeps_only_the_mesh(tmp_path: Path) -> None:
    box = trimesh.creation.box(extents=(1.0, 2.0, 3.0))
    sketch = trimesh.load_path(np.array([[[5.0, 5, 5], [6, 6, 6]]]))
    loaded = load_mesh(_write(trimesh.Scene([box, sketch]), tmp_path, "glb", "mixed.glb"))
    assert len(loaded.faces) == 12
    np.testing.assert_allclose(loaded.bounds, box.bounds, atol=1e-6)


def test_upper_case_suffix_and_non_ascii_name_load(tmp_path: Path) -> None:
    box = _shapes()["box"]
    assert len(load_mesh(_write(box, tmp_path, "stl", "PART.STL")).faces) == 12
    assert len(load_mesh(_write(box, tmp_path, "obj", "Part.Obj")).faces) == 12
    assert len(load_mesh(str(_write(box, tmp_path, "stl", "ступица_ø.stl"))).faces) == 12


def test_tilde_in_a_str_path_means_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    _write(_shapes()["box"], tmp_path / "parts", "stl", "bracket.stl")
    assert len(load_mesh("~/parts/bracket.stl").faces) == 12


def test_stl_triangle_soup_is_welded_into_shared_vertices(tmp_path: Path) -> None:
    path = _write(_shapes()["box"], tmp_path, "stl", "soup.stl")
    assert trimesh.load_mesh(path, process=False).vertices.shape == (36, 3)
    assert load_mesh(path).vertices.shape == (8, 3)


def test_duplicate_degenerate_faces_and_unused_vertices_are_dropped_not_the_part(
    tmp_path: Path,
) -> None:
    text = export_bytes(_shapes()["box"], "obj").decode()
    duplicate = next(line for line in text.splitlines() if line.startswith("f "))
    text += f"v 900 900 900\nv nan nan nan\n{duplicate}\nf 1 1 2\n"  # unused, NaN, dup, no area
    path = tmp_path / "messy.obj"
    path.write_text(text)
    loaded = load_mesh(path)
    assert len(loaded.faces) == 12
    assert len(loaded.vertices) == 8
    np.testing.assert_allclose(loaded.bounds, _shapes()["box"].bounds)


@pytest.mark.parametrize(("file_type", "suffix"), [("stl", ".stl"), ("stl_ascii", ".stl"),
                                              ("obj", ".obj"), ("ply", ".ply")])
def test_unwelded_loading_keeps_the_welded_meshs_triangles_in_order(
    tmp_path: Path, file_type: str, suffix: str
) -> None:
    mesh = trimesh.creation.icosphere(subdivisions=2)
    mesh.apply_translation((3.0, -2.0, 7.0))
    mesh.faces = np.vstack([mesh.faces, mesh.faces[5][::-1], [[0, 0, 1]]])  # a repeat, no area
    path = _write(mesh, tmp_path, file_type, f"ico{suffix}")
    full, fast = load_mesh(path), load_mesh(path, welded=False)
    assert not full.metadata.get(welding.UNWELDED)
    # only a soup skips the weld: an indexed file is quicker to weld than to fuse
    assert bool(fast.metadata.get(welding.UNWELDED)) == (suffix == ".stl")
    assert len(fast.faces) == len(full.faces) == 320
    np.testing.assert_array_equal(fast.vertices[fast.faces], full.vertices[full.faces])
    finished = welding.welded(fast)
    assert len(finished.vertices) == len(full.vertices) == 162


def test_binary_stl_is_read_as_trimesh_reads_it(tmp_path: Path) -> None:
    path = _write(_shapes()["cylinder"], tmp_path, "stl", "pin.stl")
    vertices, faces = read_binary_stl(path, 96, "pin.stl")
    reference = trimesh.load_mesh(path, process=False)
    np.testing.assert_array_equal(vertices[faces], reference.vertices[reference.faces])
    single, _ = read_binary_stl(path, 96, "pin.stl", dtype=np.float32)  # as the unwelded read
    assert single.dtype == np.float32
    np.testing.assert_array_equal(single, vertices)
    with pytest.raises(MeshLoadError, match=r"pin\.stl: corrupt or truncated binary STL: 96 of "
                                            r"97 triangles"):
        read_binary_stl(path, 97, "pin.stl")  # cut short after its header was checked


def test_weld_merges_vertices_within_tolerance_but_keeps_distinct_ones(tmp_path: Path) -> None:
    path = tmp_path / "near.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1e-11 0 0\nv 0 0 1e-5\n"
                    "v 1 1e-11 0\nf 1 2 3\nf 4 6 5\n")
    loaded = load_mesh(path)
    assert len(loaded.vertices) == 4  # 4 welds onto 1 and 6 onto 2; 5 (1e-5 away) stays


def test_weld_stays_exact_when_hash_keys_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(_shapes()["cylinder"], tmp_path, "stl", "pin.stl")
    expected = load_mesh(path)
    colliding(monkeypatch)
    collided = load_mesh(path)
    np.testing.assert_array_equal(collided.vertices, expected.vertices)
    np.testing.assert_array_equal(collided.faces, expected.faces)


def test_huge_coordinates_still_load_in_place(tmp_path: Path) -> None:
    box = trimesh.creation.box(extents=(1e11, 1e11, 1e11))
    box.apply_translation((1e12, 0, 0))
    loaded = load_mesh(_write(box, tmp_path, "ply", "far.ply"))
    assert len(loaded.faces) == 12
    np.testing.assert_allclose(loaded.bounds, box.bounds, rtol=1e-6)


def test_triangle_limit_rejects_binary_stl_from_its_header_without_calling_trimesh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mesh_checks, "MAX_TRIANGLES", 100)
    path = tmp_path / "dense.stl"
    path.write_bytes(b"\0" * 80 + struct.pack("<I", 101) + b"\0" * 50 * 101)

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("trimesh was asked to load a file the header already refused")

    monkeypatch.setattr(trimesh, "load_scene", must_not_run)
    with pytest.raises(MeshLoadError, match=r"dense\.stl: too large \(101 triangles"):
        load_mesh(path)


def test_triangle_limit_also_applies_to_formats_without_a_header_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mesh_checks, "MAX_TRIANGLES", 10)
    with pytest.raises(MeshLoadError, match="too large"):
        load_mesh(_write(_shapes()["box"], tmp_path, "obj", "box.obj"))


def test_file_size_limit_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mesh_checks, "MAX_FILE_BYTES", 500)
    with pytest.raises(MeshLoadError, match=r"box\.stl: too large"):
        load_mesh(_write(_shapes()["box"], tmp_path, "stl", "box.stl"))


def test_unreadable_file_says_permission_denied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(_shapes()["box"], tmp_path, "stl", "locked.stl")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(MeshLoadError, match=r"locked\.stl: cannot be read \(permission denied\)"):
        load_mesh(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_file_without_read_permission_is_refused(tmp_path: Path) -> None:
    path = _write(_shapes()["box"], tmp_path, "stl", "locked.stl")
    path.chmod(0)
    with pytest.raises(MeshLoadError, match="permission denied"):
        load_mesh(path)


@pytest.mark.parametrize("escape", [MemoryError, KeyboardInterrupt])
def test_memory_error_and_interrupt_are_not_disguised_as_bad_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, escape: type[BaseException]
) -> None:
    path = _write(_shapes()["box"], tmp_path, "obj", "box.obj")

    def fail(*args: object, **kwargs: object) -> None:
        raise escape()

    monkeypatch.setattr(trimesh, "load_scene", fail)
    with pytest.raises(escape):
        load_mesh(path)


def test_any_other_library_exception_becomes_a_load_error_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(_shapes()["box"], tmp_path, "off", "box.off")

    def fail(*args: object, **kwargs: object) -> None:
        raise NameError("Not an OFF file! Header was: `x`")

    monkeypatch.setattr(trimesh, "load_scene", fail)
    with pytest.raises(MeshLoadError, match=r"box\.off: corrupt or truncated OFF file \(Not an"):
        load_mesh(path)


def _fake_cascadio(write: bool = True, error: Exception | None = None) -> SimpleNamespace:
    def step_to_glb(step: str, glb: str) -> int:
        assert Path(step).is_file()
        os.write(1, b"**** ERR StepFile : Incorrect Syntax ****\n")  # as OpenCASCADE does
        os.write(2, b"Error: Failed to transfer STEP data\n")
        if error is not None:
            raise error
        if write:
            Path(glb).write_bytes(export_bytes(trimesh.creation.box(extents=(3, 2, 1)), "glb"))
        return 0

    return SimpleNamespace(step_to_glb=step_to_glb)


@pytest.fixture
def step_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(step, "_cascadio", _fake_cascadio())  # STEP is supported now
    assert ".step" in mesh_io.supported_suffixes()
    path = tmp_path / "bracket.STEP"
    path.write_bytes(b"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n")
    return path


def test_step_goes_through_cascadio_glb_then_loads(
    step_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(step, "_cascadio", _fake_cascadio())
    loaded = load_mesh(step_file)
    np.testing.assert_allclose(loaded.extents, (3, 2, 1))


@pytest.mark.parametrize(("fake", "reason"), [
    (_fake_cascadio(error=RuntimeError("BRep is broken")), "corrupt or truncated STEP file"),
    (_fake_cascadio(write=False), "could not convert"),
])
def test_step_conversion_failure_is_a_load_error(
    step_file: Path, monkeypatch: pytest.MonkeyPatch, fake: SimpleNamespace, reason: str
) -> None:
    monkeypatch.setattr(step, "_cascadio", fake)
    with pytest.raises(MeshLoadError, match=rf"bracket\.STEP: .*{reason}"):
        load_mesh(step_file)


def test_what_opencascade_prints_stays_out_of_the_users_terminal(
    step_file: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(step, "_cascadio", _fake_cascadio(write=False))
    with pytest.raises(MeshLoadError):
        load_mesh(step_file)
    print("after")  # stdout works again
    out, err = capfd.readouterr()
    assert out == "after\n" and err == ""


@pytest.mark.skipif(HAS_CASCADIO, reason="cascadio is installed here")
def test_without_cascadio_step_is_not_offered_and_the_message_says_how_to_enable_it(
    tmp_path: Path,
) -> None:
    assert ".step" not in SUPPORTED_SUFFIXES
    assert ".step" not in FILE_FILTER.lower()
    assert 'pip install "pointcam[step]"' in describe_formats()
    path = tmp_path / "bracket.stp"
    path.write_text("ISO-10303-21;\n")
    with pytest.raises(MeshLoadError, match=r'bracket\.stp: .*pip install "pointcam\[step\]"'):
        load_mesh(path)


def test_file_filter_lists_exactly_the_loadable_suffixes_in_both_cases() -> None:
    assert FILE_FILTER.startswith("CAD parts (") and FILE_FILTER.endswith(")")
    patterns = FILE_FILTER[len("CAD parts ("):-1].split()
    expected = {f"*{s}" for s in SUPPORTED_SUFFIXES} | {f"*{s.upper()}" for s in SUPPORTED_SUFFIXES}
    assert set(patterns) == expected
    assert {".stl", ".obj", ".ply", ".off", ".glb", ".gltf"} <= set(SUPPORTED_SUFFIXES)


def test_what_trimesh_recovers_from_is_not_logged_to_the_user(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Found by benchmarks/fuzz_parts.py: an ASCII STL with an unreadable normal loads (the
    normals are recomputed) but trimesh logged a warning with a traceback on the way."""
    facet = ("facet normal 0 0 {n}\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 {z}\n"
             "endloop\nendfacet\n")
    path = tmp_path / "bad_normal.stl"
    path.write_text("solid x\n" + facet.format(n="zz", z=0) + facet.format(n=1, z=1)
                    + "endsolid x\n")
    with caplog.at_level(logging.WARNING):
        mesh = load_mesh(path)
    assert len(mesh.faces) == 2 and not caplog.records


@pytest.mark.parametrize(("count", "reason"), [(1, "its only triangle has zero area"),
                                               (3, "all 3 triangles have zero area")])
def test_a_part_of_only_flat_triangles_says_how_many(tmp_path: Path, count: int,
                                                     reason: str) -> None:
    corners = np.zeros(count, dtype=[("normal", "<f4", 3), ("corners", "<f4", (3, 3)),
                                     ("attribute", "<u2")])
    corners["corners"][:, :, 0] = [0.0, 1.0, 2.0]  # three points on a line
    path = tmp_path / "flat.stl"
    path.write_bytes(b"\0" * 80 + struct.pack("<I", count) + corners.tobytes())
    with pytest.raises(MeshLoadError, match=rf"^flat\.stl: degenerate: {reason}$"):
        load_mesh(path)
