"""A binary STL's triangles straight from its records: what trimesh's reader gives, in a third of
the time on big parts.

A binary STL is an 80-byte header, a triangle count and 50-byte records (a normal, three corners
as float32, two attribute bytes); ``mesh_checks.check_stl`` has already matched the count with
the file's size. trimesh's reader builds the same corners and then converts them on the way
into its mesh; reading the corners with one structured ``np.fromfile`` and widening them in
blocks takes 0.15-0.25 s for a 5.2M-face file against trimesh's 0.8 s. The normals are not
read: the pipeline computes its own from the corners, as trimesh does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pointcam_gui.core.blocks import blockwise
from pointcam_gui.core.errors import MeshLoadError

RECORD = np.dtype([("normal", "<f4", 3), ("corners", "<f4", (3, 3)), ("attribute", "<u2")])


def read_binary_stl(path: Path, count: int, name: str, *, dtype: type[np.floating] = np.float64
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(vertices (3m, 3) of ``dtype``, faces (m, 3) int64 = 0, 1, 2, ...) of a binary STL whose
    header promises ``count`` triangles; a file cut short since it was checked is refused.
    ``dtype=np.float32`` keeps the file's own precision (the unwelded read fuses it as it is)."""
    try:
        records = np.fromfile(path, dtype=RECORD, count=count, offset=84)
    except (OSError, ValueError) as exc:
        raise MeshLoadError(f"{name}: cannot read the binary STL ({exc})") from exc
    if len(records) != count:
        raise MeshLoadError(f"{name}: corrupt or truncated binary STL: {len(records):,} of "
                            f"{count:,} triangles could be read")
    corners = records["corners"]  # an unaligned float32 field: copied (widened) in blocks
    vertices: np.ndarray = np.empty((count, 3, 3), dtype=dtype)  # (0.3-0.5 s -> 0.07-0.18 s at 5M)

    def widen(rows: slice) -> None:
        # a signalling NaN (a flipped bit makes one) warns when widened; load_mesh then refuses
        # non-finite corners in one line of its own. Here: errstate does not reach a thread.
        with np.errstate(invalid="ignore"):
            vertices[rows] = corners[rows]

    blockwise(widen, count)
    return vertices.reshape(-1, 3), np.arange(3 * count, dtype=np.int64).reshape(-1, 3)
