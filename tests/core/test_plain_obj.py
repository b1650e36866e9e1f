"""The plain-OBJ shortcut reads exactly what trimesh reads, and declines everything else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import mesh_io, plain_obj
from pointcam_gui.core.mesh_io import load_mesh
from pointcam_gui.resources import samples

TRIANGLE = "v 0 0 0\nv 1 0 0\nv 0 1 0\n"


@pytest.fixture(autouse=True)
def every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plain_obj, "FROM_BYTES", 0)
    monkeypatch.setattr(plain_obj, "TEXT_BLOCK", 200)  # several blocks, cut between lines


def _loads_as_trimesh_reads_it(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_mesh through the shortcut gives the mesh it gives through trimesh's reader."""
    fast = load_mesh(path)
    monkeypatch.setattr(mesh_io, "read_plain_obj", lambda p: None)  # what load_mesh calls
    careful = load_mesh(path)
    np.testing.assert_array_equal(fast.vertices, careful.vertices)
    np.testing.assert_array_equal(fast.faces, careful.faces)


def test_a_plain_obj_loads_the_same_mesh_as_trimeshs_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wheel.obj"
    wheel = trimesh.load_mesh(next(p for p in samples() if p.stem == "wheel"))
    path.write_bytes(wheel.export(file_type="obj", include_normals=False).encode())
    assert plain_obj.read_plain_obj(path) is not None
    _loads_as_trimesh_reads_it(path, monkeypatch)


def test_windows_line_ends_are_plain(tmp_path: Path) -> None:
    path = tmp_path / "crlf.obj"
    path.write_bytes((TRIANGLE + "f 1 2 3\n").replace("\n", "\r\n").encode())
    vertices, faces = plain_obj.read_plain_obj(path) or (None, None)
    np.testing.assert_array_equal(vertices, [[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(faces, [[0, 1, 2]])


def test_lines_that_name_parts_comments_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "named.obj"
    path.write_text("# made by hand\nmtllib a.mtl\no first\n\nv 0 0 0\ng side\nv 1 0 0\n"
                    "v 0 1 0\ns off\nusemtl steel\nf 1 2 3\no second\nf 3 2 1\n")
    vertices, faces = plain_obj.read_plain_obj(path) or (None, None)
    np.testing.assert_array_equal(vertices, [[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(faces, [[0, 1, 2], [2, 1, 0]])


@pytest.mark.parametrize("text", [
    TRIANGLE + "f 1 2 3 4\n",  # a polygon
    TRIANGLE + "f 1/1 2/2 3/3\n",  # texture coordinates
    TRIANGLE + "vn 0 0 1\nf 1 2 3\n",  # another keyword
    TRIANGLE + "f -3 -2 -1\n",  # relative indices
    TRIANGLE + "f 1 2 4\n",  # an index past the end
    TRIANGLE + "f 1.5 2 3\n",
    TRIANGLE + "f 1.0 2 3\n",  # trimesh's reader refuses indices that are not integers
    TRIANGLE + "f 1 2 3\nv 1 1 0\nf 1 2 1e0\n",  # the same where vertices follow faces
    TRIANGLE + "f 1 2\n",
    "v 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n",  # two coordinates
    "v nan 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n",
    "v 0 0 0 \nv 1 0 0\nv 0 1 0\nf 1 2 3\n",  # a trailing blank
    TRIANGLE + "f 1 2 3 # comment\n",
    TRIANGLE,  # no faces
    "",
], ids=["polygon", "slashes", "normals", "relative", "past-end", "fraction",
        "float-index", "float-index-mixed", "short-face", "two-coordinates", "nan",
        "trailing-blank", "trailing-comment", "no-faces", "empty"])
def test_anything_beyond_plain_v_and_f_is_left_to_trimesh(tmp_path: Path, text: str) -> None:
    path = tmp_path / "part.obj"
    path.write_text(text)
    assert plain_obj.read_plain_obj(path) is None


def test_an_obj_with_normals_is_declined_before_any_parse(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file its windows already declined")

    monkeypatch.setattr(pd, "read_csv", must_not_parse)
    path = tmp_path / "normals.obj"
    path.write_text(TRIANGLE * 20_000 + "vn 0 0 1\n" * 60_000 + "f 1//1 2//1 3//1\n" * 20_000)
    assert plain_obj.read_plain_obj(path) is None


def test_a_block_of_comments_only_adds_nothing_and_declines_nothing(tmp_path: Path) -> None:
    path = tmp_path / "commented.obj"
    path.write_text(TRIANGLE + "f 1 2 3\n" + "# a long tail of comments\n" * 40)
    vertices, faces = plain_obj.read_plain_obj(path) or (None, None)
    np.testing.assert_array_equal(vertices, [[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(faces, [[0, 1, 2]])


@pytest.mark.parametrize(("text", "faces"), [
    (TRIANGLE + "f 1 2 3\nv 1 1 0\nf 2 4 3\n", [[0, 1, 2], [1, 3, 2]]),  # a vertex after faces
    ("# faces first\nf 1 2 3\n" + TRIANGLE, [[0, 1, 2]]),
], ids=["vertex-after-faces", "faces-first"])
def test_vertices_and_faces_in_any_order_or_number_form_read_alike(
        tmp_path: Path, text: str, faces: list[list[int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Most files list every vertex, then every face: those sections are parsed apart, faces
    as integers; anything else takes the mixed parse, with the same answer as trimesh's."""
    path = tmp_path / "part.obj"
    path.write_text(text * 30)  # several blocks
    vertices, read = plain_obj.read_plain_obj(path) or (None, None)
    assert vertices is not None and read is not None
    np.testing.assert_array_equal(read[:len(faces)], faces)
    _loads_as_trimesh_reads_it(path, monkeypatch)


def test_an_index_beyond_any_integer_is_declined(tmp_path: Path) -> None:
    path = tmp_path / "huge.obj"
    path.write_text(TRIANGLE + "f 1 2 99999999999999999999999\n")
    assert plain_obj.read_plain_obj(path) is None
