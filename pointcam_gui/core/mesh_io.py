"""path -> trimesh.Trimesh, or one MeshLoadError with a one-line reason. (Hardened in issue 2.)"""

from __future__ import annotations

from pathlib import Path

import trimesh

from pointcam_gui.core.errors import MeshLoadError

SUPPORTED_SUFFIXES: tuple[str, ...] = (".stl", ".obj", ".ply", ".off", ".glb", ".gltf", ".3mf")


def load_mesh(path: str | Path) -> trimesh.Trimesh:
    p = Path(path)
    try:
        loaded = trimesh.load(p, force="mesh")
    except Exception as exc:
        raise MeshLoadError(f"{p.name}: cannot read ({exc})") from None
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0:
        raise MeshLoadError(f"{p.name}: no triangles")
    return loaded
