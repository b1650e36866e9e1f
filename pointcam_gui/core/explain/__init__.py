"""Explanation methods on points: one module per family on a common base (``base``).

``METHODS`` maps each method's name to its class; ``method_info`` and ``explainer`` look one up
with a one-line error for an unknown name.
"""

from __future__ import annotations

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain.base import GROUPS, Explainer, MethodInfo, Views
from pointcam_gui.core.explain.cams import (
    FeatureNorm,
    GradCAM,
    GradCAMpp,
    HiResCAM,
    LayerCAM,
    SmoothGradCAMpp,
    XGradCAM,
)
from pointcam_gui.core.explain.gradients import (
    GuidedBackprop,
    GuidedGradCAM,
    IntegratedGradients,
    PointSaliency,
)
from pointcam_gui.core.explain.perturbation import Occlusion, ScoreCAM
from pointcam_gui.core.model import PointNet

DEFAULT_METHOD = "gradcam"

METHODS: dict[str, type[Explainer]] = {cls.info.name: cls for cls in (
    GradCAM, GradCAMpp, XGradCAM, LayerCAM, HiResCAM, ScoreCAM, SmoothGradCAMpp, GuidedBackprop,
    GuidedGradCAM, IntegratedGradients, PointSaliency, Occlusion, FeatureNorm)}


def method_info(name: str) -> MethodInfo:
    """The method called ``name``, or a PointCAMError naming the ones there are."""
    cls = METHODS.get(str(name).strip().lower())
    if cls is None:
        raise PointCAMError(f"unknown method {name!r}: choose one of {', '.join(METHODS)}")
    return cls.info


def explainer(name: str, model: PointNet) -> Explainer:
    return METHODS[method_info(name).name](model)


__all__ = ["DEFAULT_METHOD", "GROUPS", "METHODS", "Explainer", "MethodInfo", "Views", "explainer",
           "method_info"]
