from __future__ import annotations

import pytest
import torch

from pointcam_gui.core.explain.gradcam import all_class_gradcam, scale_by_max
from tests.models import tiny_model

captum_attr = pytest.importorskip("captum.attr")


@pytest.mark.parametrize("overrides", [
    {},
    {"input_transform": True, "feature_transform": True, "widths": (16, 32)},
])
def test_all_class_maps_match_captum_layer_gradcam_for_every_class(overrides: dict) -> None:
    model = tiny_model(seed=3, **overrides)
    x = torch.randn(2, 3, 200, generator=torch.Generator().manual_seed(1))
    logits, raw = all_class_gradcam(model, x)
    reference = captum_attr.LayerGradCam(model, model.cam_layer)
    for c in range(model.config.num_classes):
        ref = reference.attribute(x, target=c, relu_attributions=True)[:, 0, :]
        torch.testing.assert_close(scale_by_max(raw[:, c]), scale_by_max(ref), atol=1e-5, rtol=0)
        torch.testing.assert_close(raw[:, c], ref, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(logits, model(x), atol=1e-5, rtol=1e-5)


def test_single_part_batch_of_one_works_in_eval_mode() -> None:
    model = tiny_model()
    logits, raw = all_class_gradcam(model, torch.randn(1, 3, 64))
    assert logits.shape == (1, 4) and raw.shape == (1, 4, 64)
    assert (raw >= 0).all()


def test_gradcam_refuses_training_mode() -> None:
    model = tiny_model().train()
    with pytest.raises(RuntimeError, match="eval"):
        all_class_gradcam(model, torch.randn(2, 3, 64))


def test_scale_by_max_maps_each_row_to_unit_peak_and_keeps_zero_rows() -> None:
    raw = torch.tensor([[0.0, 2.0, 4.0], [0.0, 0.0, 0.0]])
    scaled = scale_by_max(raw)
    torch.testing.assert_close(scaled, torch.tensor([[0.0, 0.5, 1.0], [0.0, 0.0, 0.0]]))


def test_analytic_head_jacobian_equals_autograd() -> None:
    from pointcam_gui.core.explain.gradcam import _head_jacobian_autograd, head_jacobian

    model = tiny_model(seed=5)
    pooled = torch.rand(3, 64, generator=torch.Generator().manual_seed(2))
    logits, jac = head_jacobian(model, pooled)
    ref_logits, ref_jac = _head_jacobian_autograd(model, pooled)
    torch.testing.assert_close(logits, ref_logits, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(jac, ref_jac, atol=1e-6, rtol=1e-5)


def test_a_head_with_other_layers_falls_back_to_autograd() -> None:
    from pointcam_gui.core.explain.gradcam import head_jacobian

    model = tiny_model(seed=6)
    model.head.insert(1, torch.nn.Tanh())  # not a layer the analytic route knows
    x = torch.randn(1, 3, 64)
    logits, raw = all_class_gradcam(model, x)
    torch.testing.assert_close(logits, model(x), atol=1e-5, rtol=1e-5)
    reference = captum_attr.LayerGradCam(model, model.cam_layer)
    ref = reference.attribute(x, target=2, relu_attributions=True)[:, 0, :]
    torch.testing.assert_close(raw[:, 2], ref, atol=1e-5, rtol=1e-4)
    assert head_jacobian(model, torch.rand(1, 64))[1].shape == (1, 4, 64)
