"""A corpus of broken part files, each of which `load_mesh` must refuse with one MeshLoadError.

Shared by the mesh_io tests and the CLI tests: `malformed_corpus(tmp_path)` writes every case
under `tmp_path` and returns `(case_id, path)` pairs. Every file is made here from bytes or from
`trimesh.creation`, so the corpus needs no downloads and is the same on every run.
"""

from __future__ import annotations

import importlib.util
import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import trimesh

_HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>no</body></html>"
_PLY_HEAD = (
    "ply\nformat {fmt} 1.0\nelement vertex {nv}\nproperty float x\nproperty float y\n"
    "property float z\nelement face {nf}\nproperty list uchar int vertex_indices\nend_header\n"
)


def export_bytes(
    geometry: trimesh.Trimesh | trimesh.Scene, file_type: str, **options: Any
) -> bytes:
    """trimesh's export as bytes, whether it hands back bytes or text (single-file formats)."""
    data = geometry.export(file_type=file_type, **options)
    if isinstance(data, str):
        return data.encode()
    assert isinstance(data, bytes), f"{file_type} exports several files"
    return data


def _box() -> trimesh.Trimesh:
    return trimesh.creation.box(extents=(2.0, 1.0, 0.5))


def _random_bytes(size: int, seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()


def _binary_stl(triangles: np.ndarray, claimed: int | None = None) -> bytes:
    """A binary STL of (n, 3, 3) triangles; `claimed` overrides the header's triangle count."""
    count = len(triangles) if claimed is None else claimed
    records = np.zeros(len(triangles), dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("a", "<u2")])
    records["v"] = triangles
    return b"\0" * 80 + struct.pack("<I", count) + records.tobytes()


def _glb(document: bytes, binary: bytes = b"") -> bytes:
    """A GLB container around a JSON chunk (which need not be valid JSON) and a BIN chunk."""
    document += b" " * (-len(document) % 4)
    chunks = struct.pack("<I4s", len(document), b"JSON") + document
    if binary:
        binary += b"\0" * (-len(binary) % 4)
        chunks += struct.pack("<I4s", len(binary), b"BIN\0") + binary
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


def _one_triangle_gltf(buffer: dict[str, object]) -> dict[str, object]:
    """A glTF document for one triangle: 3 float positions then 3 uint indices in `buffer`."""
    return {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "mode": 4}]}],
        "buffers": [{**buffer, "byteLength": 48}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 36},
            {"buffer": 0, "byteOffset": 36, "byteLength": 12},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
             "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5125, "count": 3, "type": "SCALAR"},
        ],
    }


def _glb_index_out_of_range() -> bytes:
    """A valid GLB whose triangle refers to vertex 5 of 3."""
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], dtype="<f4").tobytes()
    indices = np.array([0, 1, 5], dtype="<u4").tobytes()
    return _glb(json.dumps(_one_triangle_gltf({})).encode(), positions + indices)


def _gltf_missing_buffer() -> bytes:
    document = _one_triangle_gltf({"uri": "geometry_that_is_not_there.bin"})
    return json.dumps(document).encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _line_drawing_glb() -> bytes:
    """A glTF holding only line segments: a 2-D drawing, no surface."""
    drawing = trimesh.load_path(np.array([[[0, 0, 0], [1, 0, 0]], [[1, 0, 0], [1, 1, 0]]], float))
    return export_bytes(trimesh.Scene(drawing), "glb")


def _contents() -> dict[str, tuple[str, bytes | Callable[[], bytes]]]:
    """case id -> (file name, bytes or a function making them)."""
    box = _box()
    box_stl = export_bytes(box, "stl")
    box_obj = export_bytes(box, "obj")
    tri = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0]]], dtype=np.float32)
    return {
        "empty": ("empty.stl", b""),
        "truncated_binary_stl": ("truncated.stl", box_stl[: len(box_stl) // 2]),
        "random_bytes_stl": ("noise.stl", _random_bytes(4096, 1)),
        "random_bytes_obj": ("noise.obj", _random_bytes(4096, 2)),
        "random_bytes_ply": ("noise.ply", _random_bytes(4096, 3)),
        "html_as_obj": ("download.obj", _HTML),
        "nan_vertices_obj": ("nan.obj", b"v nan 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"),
        "inf_vertices_stl": ("inf.stl", _binary_stl(np.where(tri == 1, np.inf, tri))),
        "nan_vertices_stl": ("nan.stl", _binary_stl(np.where(tri == 1, np.nan, tri))),
        # a flipped bit makes a signalling NaN, whose widening to float64 warned (fuzz seed 11)
        "signalling_nan_stl": ("snan.stl", _binary_stl(np.where(
            tri == 1, np.array([0x7FA00000], np.uint32).view(np.float32)[0], tri))),
        "obj_two_coordinates": ("flat.obj", b"v 0 0\nv 1 0\nv 0 1\nf 1 2 3\n"),
        "huge_coordinates_stl": ("huge.stl", _binary_stl(
            (np.asarray(box.triangles) * 1e38).astype(np.float32))),
        "face_index_out_of_range_obj": ("bad_index.obj", b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 99\n"),
        "face_index_out_of_range_ply": (
            "bad_index.ply",
            (_PLY_HEAD.format(fmt="ascii", nv=3, nf=1) + "0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n").encode(),
        ),
        "point_cloud_ply": (
            "points.ply",
            _PLY_HEAD.format(fmt="ascii", nv=3, nf=0).encode() + b"0 0 0\n1 0 0\n0 1 0\n",
        ),
        "header_only_ply": ("header_only.ply", _PLY_HEAD.format(fmt="ascii", nv=8, nf=12).encode()),
        "zip_renamed_stl": ("archive.stl", _zip({"readme.txt": b"not a mesh" * 20})),
        "stl_claims_billions": ("billions.stl", _binary_stl(np.repeat(tri, 4, 0), 4_000_000_000)),
        "unknown_suffix_xyz": ("cloud.xyz", b"0 0 0\n1 0 0\n0 1 0\n"),
        "unknown_suffix_docx": ("drawing.docx", _zip({"word/document.xml": b"<w/>"})),
        "non_ascii_name_corrupt": ("ступица_ø.stl", _random_bytes(1000, 4)),
        "ascii_stl_garbage_numbers": (
            "garbage.stl",
            b"solid x\nfacet normal 0 0 1\nouter loop\nvertex one two three\nvertex 1 0\n"
            b"vertex 0 1 zero\nendloop\nendfacet\nendsolid x\n",
        ),
        "obj_vertices_only": ("vertices_only.obj", b"v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\n"),
        "obj_lines_only": ("lines_only.obj", b"v 0 0 0\nv 1 0 0\nv 1 1 0\nl 1 2\nl 2 3\n"),
        "line_drawing_glb": ("drawing.glb", _line_drawing_glb),
        "dxf_drawing": ("outline.dxf", b"0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n"),
        "degenerate_zero_area_stl": (
            "flat.stl",
            _binary_stl(np.array([[[0, 0, 0], [0, 0, 0], [1, 1, 1]], [[2, 2, 2]] * 3], np.float32)),
        ),
        "collinear_vertices_obj": (
            "collinear.obj",
            b"v 0 0 0\nv 1 1 1\nv 2 2 2\nv 3 3 3\nf 1 2 3\nf 2 3 4\nf 1 2 4\n",
        ),
        "glb_garbage_json": ("garbage.glb", _glb(b'{"asset": {"version": "2.0"}, "meshes": [{{{')),
        "gltf_missing_buffer": ("missing_buffer.gltf", _gltf_missing_buffer()),
        "broken_zip_3mf": ("broken.3mf", _zip({"3D/3dmodel.model": b"<model/>" * 200})[:300]),
        "3mf_without_model": ("empty_archive.3mf", _zip({"hello.txt": b"hi"})),
        "off_wrong_counts": ("wrong_counts.off", b"OFF\n8 12 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n"),
        "ply_wrong_vertex_count": (
            "wrong_vertex_count.ply",
            (_PLY_HEAD.format(fmt="ascii", nv=10, nf=1) + "0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")
            .encode(),
        ),
        "obj_text_named_stl": ("really_an_obj.stl", box_obj),
        "glb_truncated": ("truncated.glb", export_bytes(box, "glb")[:200]),
        "text_named_glb": ("notes.glb", b"these are my notes, not a model\n"),
        "binary_ply_truncated": ("truncated_binary.ply", export_bytes(box, "ply")[:-40]),
        "no_suffix": ("part", box_stl),
        "obj_face_index_zero": ("index_zero.obj", b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n"),
        "glb_face_index_out_of_range": ("bad_index.glb", _glb_index_out_of_range),
        "binary_ply_claims_billions": (
            "billions.ply",
            _PLY_HEAD.format(fmt="binary_little_endian", nv=3, nf=4_000_000_000).encode()
            + np.zeros(9, "<f4").tobytes() + b"\x03" + np.arange(3, dtype="<i4").tobytes(),
        ),
        "off_claims_billions": ("billions.off", b"OFF\n4000000000 4000000000 0\n0 0 0\n"),
        "ascii_stl_truncated": ("cut.stl", export_bytes(box, "stl_ascii")[:300]),
        "stl_header_says_zero": ("zero.stl", _binary_stl(tri[:0])),
    }


def _extras() -> list[str]:
    """Cases that are not plain files: a folder, a missing path, STEP without its reader."""
    step = ["step_without_cascadio"] if importlib.util.find_spec("cascadio") is None else []
    return ["folder", "missing", *step]


def corpus_ids() -> list[str]:
    """The ids `malformed_corpus` returns, without writing anything (for parametrize)."""
    return [*_contents(), *_extras()]


def malformed_corpus(tmp_path: Path) -> list[tuple[str, Path]]:
    """Write every broken case under `tmp_path` and return `(case_id, path)` pairs.

    Besides the files it includes a folder named like a part, a path that does not exist and,
    when the optional STEP reader (cascadio) is not installed, a STEP file.
    """
    root = tmp_path / "malformed"
    root.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, Path]] = []
    for case_id, (name, content) in _contents().items():
        path = root / case_id / name  # one folder per case: several cases share a file name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content() if callable(content) else content)
        cases.append((case_id, path))
    extras = _extras()
    folder = root / "folder" / "assembly.stl"
    folder.mkdir(parents=True, exist_ok=True)
    cases.append(("folder", folder))
    cases.append(("missing", root / "missing" / "nowhere.stl"))
    if "step_without_cascadio" in extras:
        step = root / "step_without_cascadio" / "bracket.step"
        step.parent.mkdir(exist_ok=True)
        step.write_bytes(b"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n")
        cases.append(("step_without_cascadio", step))
    return cases
