"""The binary PLY shortcut reads exactly what trimesh reads, and declines every other layout."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import binary_stl, blocks, mesh_checks, mesh_io
from pointcam_gui.core.binary_ply import read_binary_ply
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.mesh_io import load_mesh


def _part() -> trimesh.Trimesh:
    part = trimesh.creation.annulus(r_min=3.0, r_max=5.0, height=2.5, sections=40)
    part.apply_translation((-7.25, 2.5e-3, 4e4))
    return part


def _ply(path: Path, mesh: trimesh.Trimesh, *, endian: str = "<", coordinate: str = "float",
         count: str = "uchar", index: str = "int", extra_vertex: bool = False,
         extra_face: bool = False, corners: int = 3, elements: str = "") -> Path:
    """A binary PLY written field by field, so the layout is the test's own."""
    types = {"float": "f4", "double": "f8", "uchar": "u1", "int": "i4", "uint": "u4",
             "ushort": "u2"}
    vertex = [("x", types[coordinate]), ("y", types[coordinate]), ("z", types[coordinate])]
    vertex += [("nx", "f4"), ("red", "u1")] if extra_vertex else []
    face = [("n", types[count]), ("v", types[index], corners)]
    face += [("flags", "i4")] if extra_face else []
    faces = np.asarray(mesh.faces)
    if corners == 4:  # each triangle as a quad with a repeated corner
        faces = np.column_stack([faces, faces[:, 2]])
    v = np.zeros(len(mesh.vertices), dtype=[(n, endian + t) for n, t in vertex])
    for axis, name in enumerate("xyz"):
        v[name] = mesh.vertices[:, axis]
    f = np.zeros(len(faces), dtype=[(n, endian + t, *s) for n, t, *s in face])
    f["n"], f["v"] = corners, faces
    header = ["ply", "format binary_%s_endian 1.0" % ("little" if endian == "<" else "big"),
              "comment written by a test", f"element vertex {len(v)}"]
    header += [f"property {next(k for k, t in types.items() if t == tp)} {n}" for n, tp in vertex]
    header += [f"element face {len(f)}", f"property list {count} {index} vertex_indices"]
    header += ["property int flags"] if extra_face else []
    header += [elements] if elements else []
    path.write_bytes(("\n".join(header) + "\nend_header\n").encode() + v.tobytes() + f.tobytes())
    return path


def _trimesh_arrays(path: Path) -> tuple[np.ndarray, np.ndarray]:
    body = trimesh.load_mesh(str(path), process=False)
    return np.asarray(body.vertices, float), np.asarray(body.faces, np.int64)


LAYOUTS = {
    "little-endian floats": {},
    "big-endian doubles": {"endian": ">", "coordinate": "double"},
    "more vertex and face properties": {"extra_vertex": True, "extra_face": True},
    "unsigned indices, ushort count": {"count": "ushort", "index": "uint"},
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_binary_ply_reads_the_same_arrays_as_trimeshs_reader(tmp_path: Path,
                                                               layout: str) -> None:
    path = _ply(tmp_path / "part.ply", _part(), **LAYOUTS[layout])
    read = read_binary_ply(path)
    assert read is not None
    vertices, faces = _trimesh_arrays(path)
    assert read[0].dtype == np.float64 and read[1].dtype == np.int64
    assert np.array_equal(read[0], vertices) and np.array_equal(read[1], faces)


def test_load_mesh_gives_the_same_mesh_with_or_without_the_shortcut(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _ply(tmp_path / "part.ply", _part(), extra_vertex=True)
    fast = load_mesh(path)
    monkeypatch.setattr(mesh_io, "read_binary_ply", lambda p: None)
    careful = load_mesh(path)
    assert np.array_equal(fast.vertices, careful.vertices)
    assert np.array_equal(fast.faces, careful.faces)


DECLINED = {
    "quads": {"corners": 4},
    "another element": {"elements": "element edge 0\nproperty int vertex1"},
    "float indices": {"index": "float"},
}


@pytest.mark.parametrize("layout", list(DECLINED))
def test_other_layouts_are_left_to_trimesh_and_still_load(tmp_path: Path, layout: str) -> None:
    path = _ply(tmp_path / "part.ply", _part(), **DECLINED[layout])
    assert read_binary_ply(path) is None
    if layout != "float indices":  # trimesh's path says what is wrong with that one
        assert len(load_mesh(path).faces) == len(_part().faces)


def test_ascii_truncated_and_headless_files_are_declined(tmp_path: Path) -> None:
    ascii_path = tmp_path / "ascii.ply"
    _part().export(ascii_path, encoding="ascii")
    good = _ply(tmp_path / "part.ply", _part())
    cut = tmp_path / "cut.ply"
    cut.write_bytes(good.read_bytes()[:-5])
    headless = tmp_path / "headless.ply"
    headless.write_bytes(good.read_bytes().replace(b"end_header", b"end_hidden"))
    for path in (ascii_path, cut, headless):
        assert read_binary_ply(path) is None
    with pytest.raises(MeshLoadError, match=r"cut\.ply"):
        load_mesh(cut)


def test_too_many_faces_are_refused_before_they_are_read(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = _ply(tmp_path / "big.ply", _part())
    monkeypatch.setattr(mesh_checks, "MAX_TRIANGLES", len(_part().faces) - 1)
    monkeypatch.setattr(np, "fromfile", None)  # reading anything now would raise TypeError
    with pytest.raises(MeshLoadError, match="too large"):
        read_binary_ply(path)


def test_a_signalling_nan_warns_in_no_block(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A flipped bit makes a signalling NaN, whose widening warns; the blocks run on other
    threads, which the caller's errstate does not reach. load_mesh then refuses the part."""
    monkeypatch.setattr(blocks, "BLOCK", 16)  # many blocks, on the pool's threads
    part = _part()
    ply = _ply(tmp_path / "part.ply", part)
    data = bytearray(ply.read_bytes())
    at = data.index(b"end_header\n") + len(b"end_header\n") + 12 * (len(part.vertices) - 3)
    data[at:at + 4] = struct.pack("<I", 0x7FA00000)
    ply.write_bytes(bytes(data))
    soup = part.vertices[part.faces].astype("<f4")
    soup.view("<u4")[-2, 1, 0] = 0x7FA00000
    records = np.zeros(len(soup), dtype=binary_stl.RECORD)
    records["corners"] = soup
    stl = tmp_path / "part.stl"
    stl.write_bytes(b"\0" * 80 + struct.pack("<I", len(soup)) + records.tobytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(read_binary_ply(ply)[0]).sum() == 1  # type: ignore[index]
        assert np.isnan(binary_stl.read_binary_stl(stl, len(soup), "part.stl")[0]).sum() == 1
        for path in (ply, stl):
            with pytest.raises(MeshLoadError, match="non-finite"):
                load_mesh(path)
