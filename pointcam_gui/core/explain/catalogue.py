"""The explanation methods as a person and a program see them: name, group, one line, reference.

Torch-free, so the viewer can list the methods, and ``pointcam methods`` answer, without loading
the network; each method's class (``implementation``) is imported only when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pointcam_gui.core.errors import PointCAMError

GROUPS = ("activation maps", "gradients on points", "perturbation")
DEFAULT_METHOD = "gradcam"


@dataclass(frozen=True)
class MethodInfo:
    name: str  # what the CLI, the JSON and the API call it
    title: str  # what a person reads
    group: str  # one of GROUPS
    description: str  # one line
    reference: str
    implementation: str  # "module:Class" in this package
    class_specific: bool = True  # False: one map for every class (feature-norm)
    sparse: bool = False  # lights only the points that win the max-pool
    max_views: int | None = None  # the stable analysis averages at most this many views
    parameters: tuple[tuple[str, float | int | str], ...] = ()
    sanity: str = ""  # how it fared in the randomisation checks, when it failed them
    needs_cam_model: bool = False  # only for global average pooling into a linear head

    def unavailable(self, architecture: dict[str, object]) -> str:
        """Why this method cannot explain a model of this architecture (the weights' metadata),
        or "" when it can."""
        averaged, hidden = architecture.get("pool") == "avg", bool(architecture.get("head"))
        if not self.needs_cam_model or (averaged and not hidden):
            return ""
        these = ("average-pool" if averaged else "max-pool") + (" into hidden layers" * hidden)
        return (f"{self.title} needs a model with global average pooling and a linear head "
                f"(these weights {these}); train one with `pointcam train --head cam`")

    def parameter(self, key: str) -> float | int | str:
        return dict(self.parameters)[key]

    @property
    def notes(self) -> list[str]:
        """Caveats a person should read next to the description."""
        return [n for n in ("one map for every class" if not self.class_specific else "",
                            "sparse: only points that win the max-pool light up"
                            if self.sparse else "",
                            f"averages at most {self.max_views} views" if self.max_views else "",
                            self.sanity,
                            "needs a model trained with `pointcam train --head cam`"
                            if self.needs_cam_model else "") if n]

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "title": self.title, "group": self.group,
                "description": self.description, "reference": self.reference,
                "class_specific": self.class_specific, "sparse": self.sparse,
                "max_views": self.max_views, "parameters": dict(self.parameters),
                "sanity": self.sanity, "needs_cam_model": self.needs_cam_model}


_ACT, _GRAD, _PERT = GROUPS


def _fails(rho: float) -> str:
    return (f"fails the model-randomisation check: with a random head its map still has rank "
            f"correlation {rho:.1f} with the trained model's (Adebayo et al. 2018)")


CATALOGUE: dict[str, MethodInfo] = {m.name: m for m in (
    MethodInfo("cam", "CAM", _ACT,
               "Each point's features weighted by the class's row of the linear classifier "
               "after global average pooling: each point's share of the class score.",
               "Zhou et al., Learning Deep Features for Discriminative Localization, CVPR 2016",
               "cams:CAM", needs_cam_model=True),
    MethodInfo("gradcam", "Grad-CAM", _ACT,
               "Channels weighted by the mean gradient of the class score over the points.",
               "Selvaraju et al., Grad-CAM, ICCV 2017", "cams:GradCAM"),
    MethodInfo("gradcam++", "Grad-CAM++", _ACT,
               "Channels weighted by positive gradients with second- and third-order "
               "coefficients.", "Chattopadhay et al., Grad-CAM++, WACV 2018", "cams:GradCAMpp",
               sanity=_fails(0.5)),
    MethodInfo("xgradcam", "XGrad-CAM", _ACT,
               "Channels weighted by gradients times activations, normalised by the channel's "
               "sum.", "Fu et al., Axiom-based Grad-CAM, BMVC 2020", "cams:XGradCAM"),
    MethodInfo("layercam", "LayerCAM", _ACT,
               "Each activation weighted by its own positive gradient.",
               "Jiang et al., LayerCAM, IEEE TIP 2021", "cams:LayerCAM", sparse=True,
               sanity=_fails(0.5)),
    MethodInfo("hirescam", "HiResCAM", _ACT,
               "Element-wise gradient times activation, summed over channels.",
               "Draelos & Carin, HiResCAM, 2020", "cams:HiResCAM", sparse=True),
    MethodInfo("smooth-gradcam++", "Smooth Grad-CAM++", _ACT,
               "Grad-CAM++ with gradients averaged over copies of the points with added noise.",
               "Omeiza et al., Smooth Grad-CAM++, 2019", "cams:SmoothGradCAMpp", max_views=8,
               parameters=(("samples", 8), ("std", 0.03)), sanity=_fails(0.5)),
    MethodInfo("feature-norm", "Feature norm", _ACT,
               "The length of each point's feature vector before the max-pool.",
               "Levi & Gilboa, Fast and simple explainability for point cloud networks, 2024",
               "cams:FeatureNorm", class_specific=False),
    MethodInfo("guided-backprop", "Guided Backprop", _GRAD,
               "Gradient of the class score passed back through positive gradients only; per "
               "point the length of its x, y, z gradient.",
               "Springenberg et al., Striving for Simplicity, ICLR 2015 workshop",
               "gradients:GuidedBackprop", sanity=_fails(0.7)),
    MethodInfo("guided-gradcam", "Guided Grad-CAM", _GRAD,
               "Guided backprop times Grad-CAM at each point; per point the length over x, y, "
               "z.", "Selvaraju et al., Grad-CAM, ICCV 2017", "gradients:GuidedGradCAM"),
    MethodInfo("integrated-gradients", "Integrated Gradients", _GRAD,
               "Gradients integrated from all points at the centroid to the part; each point's "
               "share of the score.", "Sundararajan et al., Axiomatic Attribution, ICML 2017",
               "gradients:IntegratedGradients", max_views=4,
               parameters=(("steps", 32), ("baseline", "centroid"), ("rule", "gausslegendre"))),
    MethodInfo("point-saliency", "Point cloud saliency", _GRAD,
               "How much the loss would grow if the point moved to the median centre "
               "(spherical gradient).", "Zheng et al., PointCloud Saliency Maps, ICCV 2019",
               "gradients:PointSaliency", parameters=(("alpha", 1.0),)),
    MethodInfo("occlusion", "Occlusion", _PERT,
               "How much the class score drops when a patch of nearby points moves to the "
               "centroid.", "Zeiler & Fergus, Visualizing and Understanding Convolutional "
               "Networks, ECCV 2014", "perturbation:Occlusion",
               parameters=(("patches", 32), ("baseline", "centroid"))),
    MethodInfo("scorecam", "Score-CAM", _PERT,
               "Channels weighted by the score the model keeps when the points are scaled "
               "toward the centroid by that channel's activation.",
               "Wang et al., Score-CAM, CVPR 2020 workshops", "perturbation:ScoreCAM",
               max_views=2),
)}


def method_info(name: str) -> MethodInfo:
    """The method called ``name`` (any case), or a PointCAMError naming the ones there are."""
    info = CATALOGUE.get(str(name).strip().lower())
    if info is None:
        raise PointCAMError(f"unknown method {name!r}: choose one of {', '.join(CATALOGUE)}")
    return info
