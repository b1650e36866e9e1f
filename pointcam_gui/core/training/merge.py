"""Several trained PointNets as one: the ensemble whose logits are the mean of its members'.

Members that share the depth of their per-point MLP and of their head (widths may differ) merge
exactly into one wider PointNet with block-diagonal weights: each member keeps its own channels
in every layer, batch norm acts per channel, and the last linear layer averages the members'
logits. The result is an ordinary PointNet, so everything downstream of the weights file (the
stable analysis, every explanation method, calibration, novelty, the viewer) works unchanged,
and Grad-CAM on it is Grad-CAM of the ensemble's logit over all members' channels at once.

Weighed against a list of models behind one interface: that would have touched every consumer
of ``Classifier.model`` (fifteen explanation methods, faithfulness, calibration, the checkpoint)
for the same numbers. The merged matrices' zero blocks are stored (the file is about twice the
members' size) but not computed: the folded inference multiplies the diagonal blocks apart
(``folding.row_spans``). Merged models with T-Nets are refused: a T-Net aligns all channels at once.

An ensemble merges again like any model; each member's logits then count by the number of models
it holds (``counts``), so adding a third model to a merged pair gives the mean of all three, not
a pair weighted like one model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from pointcam_gui import __version__
from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.model import PointNet, PointNetConfig


def _check(members: Sequence[PointNet]) -> None:
    if len(members) < 2:
        raise PointCAMError("merging needs at least two models")
    first = members[0].config
    for m in members:
        c = m.config
        if c.input_transform or c.feature_transform:
            raise PointCAMError("models with T-Nets cannot be merged (their alignments would mix "
                                "the members' points)")
        if (c.num_classes, c.pool, len(c.widths), len(c.head)) != (
                first.num_classes, first.pool, len(first.widths), len(first.head)):
            raise PointCAMError("models to merge need the same classes, pooling and number of "
                                "layers (their widths may differ)")


Affine = nn.Conv1d | nn.Linear


def _pairs(model: PointNet) -> list[tuple[Affine, nn.BatchNorm1d]]:
    """Every (convolution or linear layer, batch norm) of the point blocks and the head's
    hidden blocks, in order."""
    blocks = [model.stem, *model.trunk, model.cam_layer,
              *(m for m in model.head if isinstance(m, nn.Sequential))]
    pairs = []
    for block in blocks:
        affine, norm = block[0], block[1]
        assert isinstance(affine, Affine) and isinstance(norm, nn.BatchNorm1d)
        pairs.append((affine, norm))
    return pairs


def _last(model: PointNet) -> nn.Linear:
    last = model.head[-1]
    assert isinstance(last, nn.Linear)
    return last


@torch.no_grad()
def _block_diagonal(layers: Sequence[Affine], out: Affine, shared_input: bool) -> None:
    """The members' weights as diagonal blocks of ``out`` (zeros between); with
    ``shared_input`` (the stem, which every member feeds x, y, z) stacked row blocks instead."""
    out.weight.zero_()
    r = c = 0
    for layer in layers:
        rows, cols = layer.weight.shape[:2]
        out.weight[r:r + rows, c:c + cols] = layer.weight
        assert out.bias is not None and layer.bias is not None
        out.bias[r:r + rows] = layer.bias
        r, c = r + rows, c if shared_input else c + cols


@torch.no_grad()
def _stacked_norm(norms: Sequence[nn.BatchNorm1d], out: nn.BatchNorm1d) -> None:
    if any(n.eps != norms[0].eps for n in norms):
        raise PointCAMError("models to merge need the same batch-norm epsilon")
    out.eps = norms[0].eps
    for name in ("weight", "bias", "running_mean", "running_var"):
        getattr(out, name).copy_(torch.cat([getattr(n, name) for n in norms]))


def merge(members: Sequence[PointNet], counts: Sequence[int] | None = None) -> PointNet:
    """One PointNet whose logits are the mean of ``members``' logits (eval mode), exactly; with
    ``counts`` (the number of models each member holds) the mean weighted by them."""
    _check(members)
    counts = [1] * len(members) if counts is None else list(counts)
    if len(counts) != len(members) or min(counts) < 1:
        raise PointCAMError("merging needs one positive model count per member")
    share = torch.tensor(counts, dtype=torch.float32) / sum(counts)
    configs = [m.config for m in members]
    first = configs[0]
    config = PointNetConfig(
        num_classes=first.num_classes, num_points=first.num_points,
        widths=tuple(sum(w) for w in zip(*(c.widths for c in configs), strict=True)),
        head=tuple(sum(h) for h in zip(*(c.head for c in configs), strict=True)),
        dropout=first.dropout, pool=first.pool)
    merged = PointNet(config).eval()
    layers = [_pairs(m) for m in members]
    for i, (affine, norm) in enumerate(_pairs(merged)):
        _block_diagonal([p[i][0] for p in layers], affine, shared_input=i == 0)
        _stacked_norm([p[i][1] for p in layers], norm)
    last = _last(merged)
    with torch.no_grad():  # the (weighted) mean of the members' logits
        last.weight.copy_(torch.cat([_last(m).weight * w for m, w in zip(members, share,
                                                                          strict=True)], dim=1))
        last.bias.copy_(sum(_last(m).bias * w for m, w in zip(members, share, strict=True)))
    return merged


def models_in(provenance: dict[str, Any]) -> int:
    """How many trained models a weights file holds: 1, or its merged members' total."""
    members = provenance.get("members")
    if not isinstance(members, list) or not members:
        return 1
    return sum(models_in(m.get("provenance") or {}) if isinstance(m, dict) else 1
               for m in members)


def merge_files(paths: Sequence[str | Path], out: str | Path, command: str = "") -> Path:
    """Merge the weights files ``paths`` into ``out`` (atomically). The members must name the
    same classes in the same order and see the same points; calibration and novelty are not
    carried over (they belong to one model's logits): run ``pointcam calibrate`` on the result."""
    from pointcam_gui.core.batch.parts import digest
    from pointcam_gui.core.checkpoint import ModelMetadata, load_checkpoint, save_checkpoint

    loaded = [load_checkpoint(p) for p in paths]
    first = loaded[0][1]
    for path, (_, meta) in zip(paths, loaded, strict=True):
        if meta.class_names != first.class_names:
            raise PointCAMError(f"{Path(path).name} names other classes (or another order) "
                                f"than {Path(paths[0]).name}")
        if (meta.num_points, meta.normalization) != (first.num_points, first.normalization):
            raise PointCAMError(f"{Path(path).name} samples {meta.num_points} points "
                                f"({meta.normalization}), {Path(paths[0]).name} "
                                f"{first.num_points} ({first.normalization})")
    counts = [models_in(meta.provenance or {}) for _, meta in loaded]
    model = merge([m for m, _ in loaded], counts)
    members = [{"file": Path(p).name, "sha256": digest(Path(p)),
                "architecture": meta.architecture, "provenance": meta.provenance}
               for p, (_, meta) in zip(paths, loaded, strict=True)]
    metadata = ModelMetadata(
        class_names=first.class_names, num_points=first.num_points,
        architecture=model.config.to_dict(), normalization=first.normalization,
        provenance={"description": f"ensemble of {sum(counts)} PointNets merged into one "
                                   "(block-diagonal weights, mean of the members' logits)",
                    "command": command, "members": members, "pointcam": __version__})
    return save_checkpoint(out, model, metadata)

