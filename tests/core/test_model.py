from __future__ import annotations

import pytest
import torch

from pointcam_gui.core.model import PointNet, PointNetConfig
from tests.models import tiny_model


@pytest.mark.parametrize("n", [32, 100, 1024])
def test_forward_gives_logits_for_any_point_count_from_32(n: int) -> None:
    assert tiny_model()(torch.randn(3, 3, n)).shape == (3, 4)


def test_forward_rejects_too_few_points_and_wrong_layout() -> None:
    model = tiny_model()
    with pytest.raises(ValueError, match="at least 32"):
        model(torch.randn(1, 3, 31))
    with pytest.raises(ValueError, match=r"\(B, 3, N\)"):
        model(torch.randn(1, 100, 3))


def test_cam_layer_output_is_what_gets_max_pooled() -> None:
    model = tiny_model()
    seen: list[torch.Tensor] = []
    model.cam_layer.register_forward_hook(lambda _m, _i, out: seen.append(out))
    x = torch.randn(2, 3, 50)
    logits = model(x)
    assert seen[0].shape == (2, 64, 50)
    torch.testing.assert_close(model.head(seen[0].amax(dim=2)), logits)


def test_config_round_trips_through_dict_and_rejects_unknown_keys() -> None:
    cfg = PointNetConfig(widths=(8, 16), head=(8,), feature_transform=True)
    assert PointNetConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown"):
        PointNetConfig.from_dict({**cfg.to_dict(), "wings": 2})


def test_t_nets_start_as_identity_and_regularizer_is_zero_then() -> None:
    model = PointNet(PointNetConfig(num_classes=3, widths=(8, 16), head=(8,),
                                    input_transform=True, feature_transform=True)).eval()
    model(torch.randn(2, 3, 40))
    assert model.transform_regularizer().item() == pytest.approx(0.0, abs=1e-10)
    assert tiny_model().transform_regularizer().item() == 0.0


def test_folded_inference_features_match_the_convolutions() -> None:
    from tests.models import tiny_model

    model = tiny_model()
    x = torch.randn(5, 3, 200)
    with torch.no_grad():
        expected = model.features(x)
    got = model.point_features(x)
    assert got.shape == expected.shape and not got.requires_grad
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_row_spans_find_diagonal_blocks_and_stay_exact_for_any_zeros() -> None:
    from pointcam_gui.core.folding import row_spans

    w = torch.zeros(5, 4)
    w[:2, :3] = 1.0
    w[2:, 3] = 2.0
    assert row_spans(w) == [(0, 2, 0, 3), (2, 5, 3, 4)]
    w = torch.randn(6, 5)
    w[3, 0] = 0.0  # a stray zero splits a span, which still covers every non-zero weight
    spans = row_spans(w)
    assert spans == [(0, 3, 0, 5), (3, 4, 1, 5), (4, 6, 0, 5)]
    covered = torch.zeros_like(w, dtype=torch.bool)
    for r0, r1, c0, c1 in spans:
        covered[r0:r1, c0:c1] = True
    assert not (w.ne(0) & ~covered).any()


def test_folded_features_of_block_diagonal_layers_match_the_convolutions() -> None:
    model = tiny_model()
    with torch.no_grad():  # zero the cam layer's off-diagonal blocks, as a merged ensemble has
        conv = model.cam_layer[0].weight
        conv[: conv.shape[0] // 2, conv.shape[1] // 2:] = 0.0
        conv[conv.shape[0] // 2:, : conv.shape[1] // 2] = 0.0
        x = torch.randn(3, 3, 100)
        torch.testing.assert_close(model.point_features(x), model.features(x),
                                   rtol=1e-5, atol=1e-5)


def test_folded_features_are_not_used_in_training_or_with_a_tnet() -> None:
    from tests.models import tiny_model

    x = torch.randn(4, 3, 64)
    model = tiny_model().train()
    calls: list[int] = []
    model.features = lambda points: calls.append(1) or torch.zeros(1)  # type: ignore[method-assign]
    model.point_features(x)
    tnet = tiny_model(input_transform=True)
    tnet.features = lambda points: calls.append(2) or torch.zeros(1)  # type: ignore[method-assign]
    tnet.point_features(x)
    assert calls == [1, 2]
