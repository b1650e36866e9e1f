"""Explanation methods on points: one module per family on a common base (``base``).

The catalogue (names, groups, descriptions, references) is torch-free; ``explainer`` imports a
method's class only when it is asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from pointcam_gui.core.explain.catalogue import (
    CATALOGUE,
    DEFAULT_METHOD,
    GROUPS,
    MethodInfo,
    method_info,
)

if TYPE_CHECKING:
    from pointcam_gui.core.explain.base import Explainer
    from pointcam_gui.core.model import PointNet


def explainer(name: str, model: PointNet) -> Explainer:
    """The method called ``name`` on ``model`` (PointCAMError for an unknown name)."""
    module, cls = method_info(name).implementation.split(":")
    method: type[Explainer] = getattr(import_module(f"{__name__}.{module}"), cls)
    return method(model)


__all__ = ["CATALOGUE", "DEFAULT_METHOD", "GROUPS", "MethodInfo", "explainer", "method_info"]
