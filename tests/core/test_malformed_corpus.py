"""Every broken file in the shared corpus is refused with one MeshLoadError naming it and why."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from pointcam_gui.core import plain_obj
from pointcam_gui.core.errors import MeshLoadError
from pointcam_gui.core.mesh_io import load_mesh
from tests.malformed import corpus_ids, malformed_corpus

# what the reason must say, for the cases where the category matters to the engineer
EXPECTED_REASON = {
    "empty": "empty (0 bytes)",
    "missing": "not found",
    "folder": "is a folder",
    "truncated_binary_stl": "truncated binary STL",
    "stl_claims_billions": "4,000,000,000 triangles",
    "html_as_obj": "HTML page",
    "zip_renamed_stl": "ZIP archive",
    "obj_text_named_stl": "rename it to .obj",
    "nan_vertices_obj": "non-finite",
    "inf_vertices_stl": "non-finite",
    "huge_coordinates_stl": "coordinates reach 1e+38",
    "nan_vertices_stl": "non-finite",
    "signalling_nan_stl": "non-finite",
    "obj_two_coordinates": "three coordinates",
    "face_index_out_of_range_ply": "refers to vertex 7",
    "glb_face_index_out_of_range": "refers to vertex 5",
    "obj_face_index_zero": "vertex index 0",
    "point_cloud_ply": "only points",
    "obj_vertices_only": "only points",
    "obj_lines_only": "only lines",
    "line_drawing_glb": "only lines",
    "degenerate_zero_area_stl": "zero area",
    "collinear_vertices_obj": "zero area",
    "unknown_suffix_xyz": "unknown format '.xyz'",
    "unknown_suffix_docx": "unknown format '.docx'",
    "dxf_drawing": "unknown format '.dxf'",
    "no_suffix": "no file extension",
    "gltf_missing_buffer": "missing file",
    "broken_zip_3mf": "not a readable ZIP",
    "3mf_without_model": "no 3D model",
    "header_only_ply": "8 vertex, 12 face",
    "ply_wrong_vertex_count": "10 vertex",
    "step_without_cascadio": 'pip install "pointcam[step]"',
    "stl_header_says_zero": "no triangles",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return dict(malformed_corpus(tmp_path_factory.mktemp("corpus")))


def test_corpus_has_at_least_25_cases_and_ids_match_the_files(corpus: dict[str, Path]) -> None:
    assert len(corpus) >= 25
    assert list(corpus) == corpus_ids()


@pytest.mark.parametrize("case_id", corpus_ids())
def test_malformed_file_raises_one_line_error_naming_the_file(
    corpus: dict[str, Path], case_id: str
) -> None:
    path = corpus[case_id]
    with warnings.catch_warnings(record=True) as printed, pytest.raises(MeshLoadError) as caught:
        warnings.simplefilter("always")
        load_mesh(path)
    assert not printed, [str(w.message) for w in printed]  # the one line is all a user sees
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    assert len(message) < 300
    assert "Traceback" not in message
    if case_id in EXPECTED_REASON:
        assert EXPECTED_REASON[case_id] in message


def test_expected_reasons_refer_to_real_cases(corpus: dict[str, Path]) -> None:
    stale = set(EXPECTED_REASON) - set(corpus) - {"step_without_cascadio"}
    assert not stale


def test_library_failure_is_logged_at_debug_with_its_original_exception(
    corpus: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="pointcam_gui.core.mesh_io"),
        pytest.raises(MeshLoadError),
    ):
        load_mesh(corpus["glb_garbage_json"])
    records = [r for r in caplog.records if r.name == "pointcam_gui.core.mesh_io"]
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in records)



@pytest.mark.parametrize("case_id", [c for c in corpus_ids() if c.endswith("obj")])
def test_obj_errors_are_the_same_through_the_fast_plain_obj_reader(
    corpus: dict[str, Path], case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MeshLoadError) as careful:
        load_mesh(corpus[case_id])
    monkeypatch.setattr(plain_obj, "FROM_BYTES", 0)  # every OBJ tries the fast reader first
    with warnings.catch_warnings(), pytest.raises(MeshLoadError) as fast:
        warnings.simplefilter("error")
        load_mesh(corpus[case_id])
    assert str(fast.value) == str(careful.value)
