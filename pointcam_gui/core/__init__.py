"""PointCAM's analysis core: everything that is not a window. Never imports Qt, pyvista or VTK.

Public API::

    from pointcam_gui.core import load_mesh, Classifier
    clf = Classifier.load()                 # the shipped model, CUDA when present
    analysis = clf.analyse(load_mesh("part.stl"))

``Classifier`` is imported lazily so that loading a mesh does not pull in torch, and
``SUPPORTED_SUFFIXES`` so that reading a part by a fast reader does not pull in trimesh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pointcam_gui.core.errors import (
    DatasetError,
    DeviceError,
    MeshLoadError,
    PointCAMError,
    WeightsError,
)
from pointcam_gui.core.mesh_io import load_mesh

if TYPE_CHECKING:
    from pointcam_gui.core.classifier import Analysis, Classifier, Explanation

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Analysis",
    "Classifier",
    "DatasetError",
    "DeviceError",
    "Explanation",
    "MeshLoadError",
    "PointCAMError",
    "WeightsError",
    "load_mesh",
]

_LAZY = {"Analysis", "Classifier", "Explanation"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from pointcam_gui.core import classifier

        return getattr(classifier, name)
    if name == "SUPPORTED_SUFFIXES":  # asks trimesh, which reading a part may not need
        from pointcam_gui.core.mesh_io import supported_suffixes

        return supported_suffixes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
