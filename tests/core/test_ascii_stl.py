"""The ASCII STL shortcut reads exactly what trimesh reads, and declines everything else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trimesh

from pointcam_gui.core import ascii_stl, mesh_io
from pointcam_gui.core.mesh_io import load_mesh


@pytest.fixture(autouse=True)
def every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ascii_stl, "FROM_BYTES", 0)
    monkeypatch.setattr(ascii_stl, "TEXT_BLOCK", 997)  # many blocks, cut mid-line


INDENT = {"facet": "  ", "outer": "    ", "vertex": "      ", "endloop": "    ",
          "endfacet": "  "}


def _text(mesh: trimesh.Trimesh) -> str:
    """An ASCII STL indented as CAD tools write it (trimesh writes none)."""
    text = trimesh.exchange.stl.export_stl_ascii(mesh)
    text = text if isinstance(text, str) else text.decode()
    return "".join(INDENT.get(line.split(" ")[0], "") + line + "\n"
                   for line in text.splitlines() if line)


def _part() -> trimesh.Trimesh:
    part = trimesh.creation.cylinder(radius=4.0, height=12.0, sections=24)
    part.apply_translation((-7.25, 2.5e-3, 4e4))
    return part


@pytest.mark.parametrize("layout", ["indented", "CRLF and tabs", "no indentation", "two solids"])
def test_an_ascii_stl_loads_the_same_triangles_as_trimeshs_reader(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    text = _text(_part())
    if layout == "CRLF and tabs":
        text = text.replace("  ", "\t").replace("\n", "\r\n")
        assert "\t\t\tvertex" in text
    elif layout == "no indentation":
        text = "\n".join(line.strip() for line in text.splitlines()) + "\n"
    elif layout == "two solids":
        text += _text(trimesh.creation.box(extents=(1, 2, 3)))
    path = tmp_path / "part.stl"
    path.write_text(text, newline="")
    read = ascii_stl.read_ascii_stl(path)
    assert read is not None
    fast = load_mesh(path)
    monkeypatch.setattr(mesh_io, "read_ascii_stl", lambda p: None)  # what load_mesh calls
    careful = load_mesh(path)
    np.testing.assert_array_equal(fast.vertices, careful.vertices)
    np.testing.assert_array_equal(fast.faces, careful.faces)
    reference = trimesh.load_mesh(path, process=False)
    np.testing.assert_array_equal(read[0], reference.vertices[reference.faces].reshape(-1, 3))


@pytest.mark.parametrize(("change", "why"), [
    (lambda t: t.upper(), "upper-case keywords"),
    (lambda t: t.replace("solid ", "solid valve ", 1), "a name with a v"),
    (lambda t: t.replace("solid ", "solid vertex ", 1), "a name with the keyword"),
    (lambda t: t.replace("endloop", "vertex 0 0 1\n      endloop", 1), "a quad facet"),
    (lambda t: t.replace("vertex -3.25", "vertex", 1), "a missing number"),
    (lambda t: t.replace("vertex -3.25", "vertex nan", 1), "nan"),
    (lambda t: t.replace("vertex -3.25", "vertex -3.25 7", 1), "an extra number"),
])
def test_anything_unusual_is_left_to_trimesh(tmp_path: Path, change, why: str) -> None:
    path = tmp_path / "odd.stl"
    text = _text(_part())
    assert "vertex -3.25" in text
    path.write_text(change(text))
    assert ascii_stl.read_ascii_stl(path) is None, why


def test_a_block_of_closing_lines_only_adds_nothing_and_declines_nothing(
        tmp_path: Path) -> None:
    assert ascii_stl._coordinates(b"    endloop\n  endfacet\nendsolid part\n").shape == (0, 3)
    path = tmp_path / "part.stl"
    path.write_text(_text(_part()) + "\n" * 2000)  # the last blocks: blank lines only
    assert ascii_stl.read_ascii_stl(path) is not None
