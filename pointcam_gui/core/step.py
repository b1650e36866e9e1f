"""STEP files through cascadio (OpenCASCADE): converted to GLB in a temporary folder, then read
by trimesh like any GLB; cascadio is the optional extra ``step``.

OpenCASCADE reports a bad file in coloured lines of its own on the process's stdout and
stderr; those go to the debug log, and the user gets ``mesh_io``'s one-line reason instead.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pointcam_gui.core.errors import MeshLoadError

if TYPE_CHECKING:
    import trimesh

log = logging.getLogger(__name__)

try:  # a tenth of a second where it is installed
    import cascadio as _cascadio_module

    _cascadio: ModuleType | None = _cascadio_module
except Exception:  # missing or broken: either way there is no STEP reader
    _cascadio = None

SUFFIXES = (".step", ".stp")
HINT = 'to open STEP files install the STEP extra: pip install "pointcam[step]"'


def available() -> bool:
    return _cascadio is not None


def load_step(path: Path, name: str) -> trimesh.Scene:
    """STEP -> GLB with cascadio, then the GLB through trimesh; the caller turns any library
    failure into its one-line reason."""
    if _cascadio is None:
        raise MeshLoadError(f"{name}: {HINT}")
    with tempfile.TemporaryDirectory(prefix="pointcam-step-") as folder:
        glb = Path(folder) / "converted.glb"
        with _native_output_to(Path(folder) / "opencascade.log"):
            _cascadio.step_to_glb(str(path), str(glb))
        if not glb.is_file() or glb.stat().st_size == 0:
            raise MeshLoadError(f"{name}: the STEP reader could not convert this file")
        import trimesh

        return trimesh.load_scene(str(glb), file_type="glb", process=False)


@contextmanager
def _native_output_to(log_file: Path) -> Iterator[None]:
    """Send what C++ code prints to the process's stdout and stderr into `log_file` (then to
    the debug log)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with log_file.open("wb") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    finally:
        for fd in saved:
            os.close(fd)
        text = log_file.read_text(errors="replace").strip() if log_file.is_file() else ""
        if text:
            log.debug("OpenCASCADE said: %s", text)
