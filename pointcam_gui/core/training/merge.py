"""Several trained PointNets as one: the ensemble whose logits are the mean of its members'.

Members that share the depth of their per-point MLP and of their head (widths may differ) merge
exactly into one wider PointNet with block-diagonal weights: each member keeps its own channels
in every layer, batch norm acts per channel, and the last linear layer averages the members'
logits. The result is an ordinary PointNet, so everything downstream of the weights file (the
stable analysis, every explanation method, calibration, novelty, the viewer) works unchanged,
and Grad-CAM on it is Grad-CAM of the ensemble's logit over all members' channels at once.

Weighed against a list of models behind one interface: that would have touched every consumer
of ``Classifier.model`` (fifteen explanation methods, faithfulness, calibration, the checkpoint)
for the same numbers; the merged matrices' zero blocks cost compute instead (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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


def _block_diagonal(layers: Sequence[nn.Module], out: nn.Module) -> None:
    """Copy the members' conv/linear weights into ``out`` as diagonal blocks (zeros between)."""
    with torch.no_grad():
        out.weight.zero_()
        r = c = 0
        for layer in layers:
            w = layer.weight
            out.weight[r:r + w.shape[0], c:c + w.shape[1]] = w
            out.bias[r:r + w.shape[0]] = layer.bias
            r, c = r + w.shape[0], c + w.shape[1]


def _stacked_norm(norms: Sequence[nn.BatchNorm1d], out: nn.BatchNorm1d) -> None:
    with torch.no_grad():
        for name in ("weight", "bias", "running_mean", "running_var"):
            getattr(out, name).copy_(torch.cat([getattr(n, name) for n in norms]))
        out.eps = norms[0].eps
        if any(n.eps != out.eps for n in norms):
            raise PointCAMError("models to merge need the same batch-norm epsilon")


def merge(members: Sequence[PointNet]) -> PointNet:
    """One PointNet whose logits are the mean of ``members``' logits (eval mode), exactly."""
    _check(members)
    configs = [m.config for m in members]
    widths = tuple(sum(c.widths[i] for c in configs) for i in range(len(configs[0].widths)))
    head = tuple(sum(c.head[i] for c in configs) for i in range(len(configs[0].head)))
    first = configs[0]
    config = PointNetConfig(num_classes=first.num_classes, num_points=first.num_points,
                            widths=widths, head=head, dropout=first.dropout, pool=first.pool)
    merged = PointNet(config).eval()
    blocks = [(m.stem, *m.trunk, m.cam_layer) for m in members]
    targets = (merged.stem, *merged.trunk, merged.cam_layer)
    for i, target in enumerate(targets):
        if i == 0:  # the stem reads the same x, y, z: stack the members' rows
            with torch.no_grad():
                target[0].weight.copy_(torch.cat([b[0][0].weight for b in blocks]))
                target[0].bias.copy_(torch.cat([b[0][0].bias for b in blocks]))
        else:
            _block_diagonal([b[i][0] for b in blocks], target[0])
        _stacked_norm([b[i][1] for b in blocks], target[1])
    dense = [[layer for layer in m.head if isinstance(layer, nn.Sequential)] for m in members]
    merged_dense = [layer for layer in merged.head if isinstance(layer, nn.Sequential)]
    for i, target in enumerate(merged_dense):
        _block_diagonal([d[i][0] for d in dense], target[0])
        _stacked_norm([d[i][1] for d in dense], target[1])
    last = merged.head[-1]
    with torch.no_grad():  # the mean of the members' logits
        last.weight.copy_(torch.cat([m.head[-1].weight for m in members], dim=1) / len(members))
        last.bias.copy_(torch.stack([m.head[-1].bias for m in members]).mean(dim=0))
    return merged


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
    model = merge([m for m, _ in loaded])
    members = [{"file": Path(p).name, "sha256": digest(Path(p)),
                "architecture": meta.architecture, "provenance": meta.provenance}
               for p, (_, meta) in zip(paths, loaded, strict=True)]
    metadata = ModelMetadata(
        class_names=first.class_names, num_points=first.num_points,
        architecture=model.config.to_dict(), normalization=first.normalization,
        provenance={"description": f"ensemble of {len(paths)} PointNets merged into one "
                                   "(block-diagonal weights, mean of the members' logits)",
                    "command": command, "members": members, "pointcam": __version__})
    return save_checkpoint(out, model, metadata)

