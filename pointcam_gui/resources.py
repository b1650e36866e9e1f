"""Where the shipped models, sample parts and icons live.

In a built wheel they are inside the package (``pointcam_gui/_resources``, put there by hatch's
force-include); in a source checkout or editable install they are the repository's
``resources/`` folder. Everything else asks this module.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CANDIDATES = (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources")

DEFAULT_MODEL = "pointnet_parts12.safetensors"


def resources_dir() -> Path:
    """The folder that holds ``models/``, ``samples/`` and ``icons/``."""
    for candidate in _CANDIDATES:
        if (candidate / "models").is_dir():
            return candidate
    raise FileNotFoundError(
        "PointCAM's resources folder is missing; reinstall the package "
        f"(looked in {', '.join(str(c) for c in _CANDIDATES)})"
    )


def model_path(name: str = DEFAULT_MODEL) -> Path:
    return resources_dir() / "models" / name


def samples() -> list[Path]:
    """The shipped sample parts, sorted by name."""
    return sorted(p for p in (resources_dir() / "samples").iterdir() if p.is_file()
                  and p.suffix.lower() in {".stl", ".obj", ".ply", ".glb", ".off"})


def icon_path(name: str = "pointcam.png") -> Path:
    return resources_dir() / "icons" / name
