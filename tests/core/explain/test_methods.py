"""Every method against a reference on the same model and points: captum or torchcam where their
code accepts (B, C, N) activations, else the published formula written out here with autograd.
All classes come from one call of ours; the references run once per class."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.explain import CATALOGUE, explainer, method_info
from pointcam_gui.core.explain.base import Views
from pointcam_gui.core.explain.cams import SmoothGradCAMpp
from pointcam_gui.core.explain.gradients import IntegratedGradients
from pointcam_gui.core.explain.perturbation import Occlusion, patches
from pointcam_gui.core.model import PointNet
from tests.models import tiny_model

captum_attr = pytest.importorskip("captum.attr")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:captum")
torchcam = pytest.importorskip("torchcam.methods")

POINTWISE = {}
COUPLED = {"input_transform": True, "feature_transform": True, "widths": (16, 32)}
AVERAGED = {"pool": "avg"}  # global average pooling into the usual hidden layers
CAM_MODEL = {"pool": "avg", "head": ()}  # global average pooling into one linear layer
MERGED = {"merged": True}  # two members of other widths as one block-diagonal model
SHUT = {"shut": 3}  # three pooled channels shut by their ReLU at every point: all points tie
N = 96


def _setup(overrides: dict, seed: int = 3) -> tuple[PointNet, torch.Tensor]:
    if overrides.get("merged"):
        from pointcam_gui.core.training.merge import merge

        rest = {k: v for k, v in overrides.items() if k != "merged"}
        model = merge([tiny_model(seed=seed, **rest),
                       tiny_model(seed=seed + 1, **{"widths": (8, 24, 48), **rest})]).double()
    else:
        rest = {k: v for k, v in overrides.items() if k != "shut"}
        model = tiny_model(seed=seed, **rest).double()
    if overrides.get("shut"):
        with torch.no_grad():
            model.cam_layer[1].bias[:overrides["shut"]] = -1e3
    x = torch.randn(1, 3, N, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return model, x * 0.5


def minmax(m: torch.Tensor) -> torch.Tensor:
    m = m - m.min()
    return m / (m.max() + 1e-12)


def ours(name: str, model: PointNet, x: torch.Tensor) -> torch.Tensor:
    """(C, N) maps of every class from one call."""
    eye = torch.eye(model.config.num_classes, dtype=x.dtype)
    return explainer(name, model).maps(Views.of(model, x), eye)[0]


def _acts_and_grads(model: PointNet, x: torch.Tensor,
                    c: int) -> tuple[torch.Tensor, torch.Tensor]:
    """cam_layer activations (K, N) and the gradient of logit c at them, by autograd."""
    store: dict[str, torch.Tensor] = {}

    def keep(_m: object, _i: object, out: torch.Tensor) -> None:
        out.retain_grad()
        store["a"] = out

    handle = model.cam_layer.register_forward_hook(keep)
    try:
        model(x)[0, c].backward()
    finally:
        handle.remove()
    a = store["a"]
    assert a.grad is not None
    return a.detach()[0], a.grad[0]


def ref_gradcampp(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    # torchcam 0.5's GradCAMpp divides a copy (``alpha[idx][mask].div_``), so its alpha stays
    # g^2: the paper's formula, as pytorch-grad-cam writes it, is the reference here
    a, g = _acts_and_grads(model, x, c)
    g2, g3 = g**2, g**3
    alpha = g2 / (2 * g2 + a.sum(dim=1, keepdim=True) * g3 + 1e-8)
    alpha = torch.where(g != 0, alpha, torch.zeros_like(alpha))
    w = (alpha * torch.relu(g)).sum(dim=1)
    return torch.relu(w @ a)


def ref_hirescam(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    a, g = _acts_and_grads(model, x, c)
    return torch.relu((g * a).sum(dim=0))


def _torchcam(cls_name: str, **kwargs: object) -> Callable[[PointNet, torch.Tensor, int],
                                                          torch.Tensor]:
    def ref(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
        with getattr(torchcam, cls_name)(model, model.cam_layer, **kwargs) as extractor:
            scores = model(x)
            return extractor(c, scores, normalized=False)[0][0]
    return ref


def _captum_points(cls_name: str, reduce: str, **kwargs: object) -> Callable[
        [PointNet, torch.Tensor, int], torch.Tensor]:
    def ref(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
        attr_cls = getattr(captum_attr, cls_name)
        method = (attr_cls(model, model.cam_layer) if cls_name == "GuidedGradCam"
                  else attr_cls(model))
        attr = method.attribute(x, target=c, **kwargs)[0]  # (3, N)
        return (torch.linalg.vector_norm(attr, dim=0) if reduce == "norm"
                else torch.relu(attr.sum(dim=0)))
    return ref


def ref_gradcam(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    return captum_attr.LayerGradCam(model, model.cam_layer).attribute(
        x, target=c, relu_attributions=True)[0, 0]


def ref_point_saliency(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    pts = x.clone().requires_grad_(True)
    F.cross_entropy(model(pts), torch.tensor([c])).backward()
    assert pts.grad is not None
    centre = x.median(dim=2, keepdim=True).values
    off = (x - centre)[0]
    r = torch.linalg.vector_norm(off, dim=0)
    dldr = (pts.grad[0] * off).sum(dim=0) / r
    return torch.relu(-(r**2) * dldr)


def ref_occlusion(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    mask = patches(x, Occlusion.PATCHES)[:, None, :].expand_as(x)
    attr = captum_attr.FeatureAblation(model).attribute(x, target=c, baselines=0.0,
                                                        feature_mask=mask)
    return torch.relu(attr[0, 0])


def ref_cam(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    """Zhou et al.'s M_c(n) = sum_k w_c,k A_k(n), with w the linear classifier's weights."""
    return torch.relu(model.head[-1].weight[c] @ model.features(x)[0])


def ref_feature_norm(model: PointNet, x: torch.Tensor, c: int) -> torch.Tensor:
    return torch.linalg.vector_norm(model.features(x)[0], dim=0)


REFERENCES: dict[str, Callable[[PointNet, torch.Tensor, int], torch.Tensor]] = {
    "cam": ref_cam,
    "gradcam": ref_gradcam,
    "gradcam++": ref_gradcampp,
    "xgradcam": _torchcam("XGradCAM"),
    "layercam": _torchcam("LayerCAM"),
    "hirescam": ref_hirescam,
    "scorecam": _torchcam("ScoreCAM", batch_size=64),
    "guided-backprop": _captum_points("GuidedBackprop", "norm"),
    "guided-gradcam": _captum_points("GuidedGradCam", "norm"),
    "integrated-gradients": _captum_points(
        "IntegratedGradients", "sum", baselines=0.0, n_steps=IntegratedGradients.STEPS,
        method="gausslegendre"),
    "point-saliency": ref_point_saliency,
    "occlusion": ref_occlusion,
    "feature-norm": ref_feature_norm,
}


def test_every_method_has_a_reference_here_or_its_own_test() -> None:
    assert set(CATALOGUE) == set(REFERENCES) | {"smooth-gradcam++"}


@pytest.mark.parametrize("overrides", [POINTWISE, COUPLED, AVERAGED, MERGED, SHUT],
                         ids=["pointwise", "t-nets", "avg-pool", "merged", "shut-channels"])
@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_all_class_maps_match_the_reference_for_every_class(name: str, overrides: dict) -> None:
    model, x = _setup({**overrides, **CAM_MODEL} if name == "cam" else overrides)
    if overrides.get("shut"):
        assert (Views.of(model, x).pooled[0, :overrides["shut"]] == 0).all()
    maps = ours(name, model, x)
    assert maps.shape == (model.config.num_classes, N) and (maps >= 0).all()
    for c in range(model.config.num_classes):
        ref = REFERENCES[name](model, x, c).detach()
        torch.testing.assert_close(minmax(maps[c]), minmax(torch.relu(ref)), atol=1e-4, rtol=0)


def test_smooth_gradcampp_is_gradcampp_with_moments_averaged_over_the_same_noise() -> None:
    model, x = _setup(POINTWISE)
    method = SmoothGradCAMpp(model)
    noise = method.noise(x)
    maps = method.maps(Views.of(model, x), torch.eye(4, dtype=x.dtype), noise=noise)
    a = model.features(x).detach()[0]
    for c in range(4):
        grads = [_acts_and_grads(model, x + e, c)[1] for e in noise]
        d1, d2, d3 = (torch.stack([g**p for g in grads]).mean(0) for p in (1, 2, 3))
        alpha = torch.where(d2 > 0, d2 / (2 * d2 + a.sum(dim=1, keepdim=True) * d3 + 1e-8),
                            torch.zeros_like(d2))
        ref = torch.relu((alpha * torch.relu(d1)).sum(dim=1) @ a)
        torch.testing.assert_close(minmax(maps[0, c]), minmax(ref), atol=1e-4, rtol=0)
    again = method.maps(Views.of(model, x), torch.eye(4, dtype=x.dtype))
    torch.testing.assert_close(maps, again)  # the noise comes from a fixed seed


@pytest.mark.parametrize("name", ["gradcam", "guided-backprop", "integrated-gradients",
                                  "occlusion", "scorecam", "point-saliency"])
def test_a_contrast_row_explains_the_difference_of_two_logits(name: str) -> None:
    model, x = _setup(POINTWISE)
    rows = torch.zeros(1, 4, dtype=x.dtype)
    rows[0, 1], rows[0, 2] = 1.0, -1.0

    class Difference(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner, self.cam_layer = model, model.cam_layer

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.inner(x) @ rows.T

    ref = REFERENCES[name](Difference().eval(), x, 0)  # type: ignore[arg-type]
    if name == "point-saliency":  # the loss of a contrast row is minus its score
        ref = _minus_score_saliency(model, x, rows)
    got = explainer(name, model).maps(Views.of(model, x), rows)[0, 0]
    torch.testing.assert_close(minmax(got), minmax(torch.relu(ref.detach())), atol=1e-4, rtol=0)


def _minus_score_saliency(model: PointNet, x: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    pts = x.clone().requires_grad_(True)
    (-(model(pts) @ rows.T).sum()).backward()
    assert pts.grad is not None
    off = (x - x.median(dim=2, keepdim=True).values)[0]
    r = torch.linalg.vector_norm(off, dim=0)
    return torch.relu(-(r**2) * (pts.grad[0] * off).sum(dim=0) / r)


def test_shared_weights_average_the_views_and_one_view_is_unchanged() -> None:
    model, x = _setup(POINTWISE)
    xs = torch.cat([x, x.flip(2) * 0.9])
    views, eye = Views.of(model, xs), torch.eye(4, dtype=x.dtype)
    for name in ("gradcam", "xgradcam", "gradcam++"):
        method = explainer(name, model)
        alone = method.maps(Views.of(model, x), eye)
        torch.testing.assert_close(method.maps(Views.of(model, x), eye, shared=True), alone)
        assert not torch.allclose(method.maps(views, eye, shared=True)[0], alone[0])


def test_unknown_methods_are_refused_with_the_list() -> None:
    with pytest.raises(PointCAMError, match="choose one of cam, gradcam, gradcam\\+\\+"):
        method_info("gradcam--")
    assert method_info(" GradCAM ").name == "gradcam"


def test_every_method_describes_itself_in_one_line_with_a_reference() -> None:
    for name, info in CATALOGUE.items():
        model = tiny_model(**CAM_MODEL) if info.needs_cam_model else tiny_model()
        assert explainer(name, model).info is info
        assert info.name == name and info.title and info.reference
        assert "\n" not in info.description and info.description.endswith(".")
        assert info.group in ("activation maps", "gradients on points", "perturbation")


def test_occlusion_without_a_forward_pass_equals_the_forward_pass_of_occluded_points() -> None:
    model, x = _setup(POINTWISE)
    x = x + 2.0  # far from the origin, so the origin's own feature wins some channels
    views, occlusion = Views.of(model, x), Occlusion(model)
    patch = patches(x, 8)
    shortcut = occlusion._pooled_without(views, patch, 8)[0]
    keep = patch[0][None, :] != torch.arange(8)[:, None]
    explicit = model.features(x * keep[:, None, :]).amax(dim=2).detach()
    torch.testing.assert_close(shortcut, explicit)
    origin = model.features(torch.zeros(1, 3, 32, dtype=x.dtype))[0, :, 0].detach()
    assert (explicit == origin).any()


def test_cam_is_each_points_exact_share_of_the_class_score() -> None:
    model, x = _setup(CAM_MODEL)
    assert model.config.cam_ready
    a = model.features(x)[0].detach()
    w, b = model.head[-1].weight.detach(), model.head[-1].bias.detach()
    shares = w @ a  # (C, N) before the ReLU
    torch.testing.assert_close(shares.mean(dim=1) + b, model(x)[0].detach())
    eye = torch.eye(4, dtype=x.dtype)
    cam = explainer("cam", model).maps(Views.of(model, x), eye)[0]
    torch.testing.assert_close(cam, torch.relu(shares))
    # with global average pooling and a linear head, Grad-CAM is CAM divided by N
    torch.testing.assert_close(explainer("gradcam", model).maps(Views.of(model, x), eye)[0],
                               cam / N)


@pytest.mark.parametrize("overrides", [POINTWISE, AVERAGED, {"head": ()}],
                         ids=["max-pool", "avg-pool-hidden-layers", "max-pool-linear"])
def test_cam_refuses_other_models_and_says_how_to_train_one(overrides: dict) -> None:
    model = tiny_model(**overrides)
    reason = CATALOGUE["cam"].unavailable(model.config.to_dict())
    assert "pointcam train --head cam" in reason
    with pytest.raises(PointCAMError, match="--head cam"):
        explainer("cam", model)
    assert all(not info.unavailable(model.config.to_dict())
               for info in CATALOGUE.values() if not info.needs_cam_model)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_per_point_jacobians_by_hand_equal_forward_mode_autodiff() -> None:
    from pointcam_gui.core.explain.jacobians import _jvp_jacobians, point_jacobians

    for setup in (POINTWISE, MERGED):  # the merged model's block-split products too
        model, x = _setup(setup)
        xs = torch.cat([x, x * 0.3])
        torch.testing.assert_close(point_jacobians(model, xs), _jvp_jacobians(model, xs))


def test_smooth_gradcampp_moments_at_the_winners_equal_the_dense_moments() -> None:
    from pointcam_gui.core.explain.cams import _moments_dense, smooth_weights

    model, x = _setup(POINTWISE)
    xs = torch.cat([x, x.flip(2) * 0.8])
    noise = SmoothGradCAMpp(model).noise(xs)
    noisy = Views.of(model, (xs[None] + noise).reshape(-1, 3, N))
    tied = (noisy.receivers() > 1).any(dim=0)
    assert tied.any() and not tied.all()  # both routes are taken
    jac = noisy.target_jacobian(torch.eye(4, dtype=x.dtype)).view(len(noise), 2, 4, -1)
    totals = Views.of(model, xs).acts.sum(dim=2)
    won = noisy.winners().view(len(noise), 2, *noisy.acts.shape[1:])
    winner = noisy.acts.argmax(dim=2).view(len(noise), 2, -1)
    assert len(set(winner[:, 0, 0].tolist())) < len(noise)  # some points win in several copies
    torch.testing.assert_close(smooth_weights(noisy, jac, totals), _moments_dense(jac, won, totals))


def test_scorecam_forwards_only_the_lit_points_and_gets_the_same_scores() -> None:
    from pointcam_gui.core.explain.base import scores
    from pointcam_gui.core.explain.perturbation import ScoreCAM

    model, x = _setup(POINTWISE)
    x = x + 1.5  # far from the origin, so the origin's feature differs from the points'
    acts = Views.of(model, x).acts
    masks = (acts - acts.amin(dim=2, keepdim=True)).clamp_min(0)
    masks = masks / masks.amax(dim=2, keepdim=True).clamp_min(1e-12)
    masks[0, 0] = 0.0  # a channel that lights nothing
    masks[0, 1] = torch.linspace(0.1, 1.0, N, dtype=x.dtype)  # one that lights every point
    masks[0, 2, 5:] = 0.0  # one that lights fewer points than the network's minimum
    eye = torch.eye(4, dtype=x.dtype)
    method = ScoreCAM(model)
    method.LIT_BATCH = 5  # several passes of different widths
    dense = scores(model, (x[:, None] * masks[:, :, None, :]).reshape(-1, 3, N), eye)
    torch.testing.assert_close(method.masked_scores(x, masks, eye), dense.view(1, -1, 4))
