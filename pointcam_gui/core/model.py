"""PointNet (Qi et al., 2017) for part classification, with the Grad-CAM target layer exposed.

The shared per-point MLP is a stack of 1x1 convolutions; its last block produces the (B, K, N)
per-point features that are max-pooled into the global feature. That block is ``cam_layer``.
With ``pool="avg"`` and no hidden head layers the model is the one CAM (Zhou et al. 2016) was
defined for: global average pooling into a linear classifier.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn

from pointcam_gui.core.folding import foldable, folded, split_linear

MIN_POINTS = 32
POOLS = ("max", "avg")


def global_pool(acts: torch.Tensor, pool: str) -> torch.Tensor:
    """(B, K) the global feature of per-point features (B, K, N): max or mean over points."""
    return acts.mean(dim=2) if pool == "avg" else acts.amax(dim=2)


@dataclass(frozen=True)
class PointNetConfig:
    num_classes: int = 12
    num_points: int = 1024
    widths: tuple[int, ...] = (64, 64, 128, 1024)
    head: tuple[int, ...] = (512, 256)
    dropout: float = 0.3
    input_transform: bool = False
    feature_transform: bool = False
    pool: str = "max"  # "max" (PointNet) or "avg": global average pooling, as CAM needs

    def __post_init__(self) -> None:
        if self.pool not in POOLS:
            raise ValueError(f"pool must be one of {', '.join(POOLS)}, not {self.pool!r}")

    @property
    def cam_ready(self) -> bool:
        """Global average pooling into one linear layer: the model class activation mapping
        (Zhou et al. 2016) explains exactly, since each class score is then the mean over the
        points of W_c . A_n, plus a bias."""
        return self.pool == "avg" and not self.head

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["widths"], d["head"] = list(self.widths), list(self.head)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PointNetConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown architecture keys: {', '.join(sorted(unknown))}")
        values = dict(data)
        for key in ("widths", "head"):
            if key in values:
                values[key] = tuple(int(v) for v in values[key])
        return cls(**values)


def _point_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(c_in, c_out, 1), nn.BatchNorm1d(c_out), nn.ReLU())


def _dense_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(c_in, c_out), nn.BatchNorm1d(c_out), nn.ReLU())


class TNet(nn.Module):
    """Predicts a k x k alignment matrix from the points (PointNet's T-Net), initialised to I."""

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k
        self.features = nn.Sequential(_point_block(k, 64), _point_block(64, 128),
                                      _point_block(128, 1024))
        last = nn.Linear(256, k * k)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.regressor = nn.Sequential(_dense_block(1024, 512), _dense_block(512, 256), last)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g = self.features(x).amax(dim=2)
        eye = torch.eye(self.k, device=x.device, dtype=x.dtype)
        return self.regressor(g).view(-1, self.k, self.k) + eye


class PointNet(nn.Module):
    """``forward(x: (B, 3, N)) -> (B, C)`` logits, for any N >= 32."""

    def __init__(self, config: PointNetConfig | None = None) -> None:
        super().__init__()
        self.config = config or PointNetConfig()
        widths = self.config.widths
        if len(widths) < 2:
            raise ValueError("PointNet needs at least two per-point layers")
        self.input_tnet = TNet(3) if self.config.input_transform else None
        self.stem = _point_block(3, widths[0])
        self.feature_tnet = TNet(widths[0]) if self.config.feature_transform else None
        blocks = [_point_block(a, b) for a, b in itertools.pairwise(widths)]
        self.trunk = nn.Sequential(*blocks[:-1])
        self.cam_layer = blocks[-1]
        head: list[nn.Module] = []
        c_in = widths[-1]
        for c_out in self.config.head:
            head += [_dense_block(c_in, c_out), nn.Dropout(self.config.dropout)]
            c_in = c_out
        head.append(nn.Linear(c_in, self.config.num_classes))
        self.head = nn.Sequential(*head)
        self._feature_matrix: torch.Tensor | None = None

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The (B, K, N) per-point features that are max-pooled: ``cam_layer``'s output."""
        if x.dim() != 3 or x.shape[1] != 3:
            raise ValueError(f"expected points of shape (B, 3, N), got {tuple(x.shape)}")
        if x.shape[2] < MIN_POINTS:
            raise ValueError(f"PointNet needs at least {MIN_POINTS} points, got {x.shape[2]}")
        if self.input_tnet is not None:
            x = torch.bmm(self.input_tnet(x), x)
        x = self.stem(x)
        if self.feature_tnet is not None:
            m = self.feature_tnet(x)
            self._feature_matrix = m
            x = torch.bmm(m, x)
        return self.cam_layer(self.trunk(x))

    @torch.no_grad()
    def point_features(self, x: torch.Tensor) -> torch.Tensor:
        """``features(x)`` for inference, without a graph: each point block's 1x1 convolution
        and batch norm folded into one matrix product over every point of the batch. The same
        values to float rounding, 2-3x faster than ``Conv1d`` on the CPU (32 views of 1024
        points: 28-38 ms against 84-98 ms). The result is a (B, K, N) view of (B, N, K) storage.
        In training mode, or with a T-Net, it is ``features(x)``."""
        blocks = (self.stem, *self.trunk, self.cam_layer)
        if self.training or not self.pointwise or not all(map(foldable, blocks)):
            return self.features(x)
        if x.dim() != 3 or x.shape[1] != 3 or x.shape[2] < MIN_POINTS:
            return self.features(x)  # which says what is wrong
        batch, _, n = x.shape
        h = x.transpose(1, 2).reshape(-1, 3)
        for block in blocks:
            h = split_linear(h, *folded(block)).relu_()
        return h.reshape(batch, n, -1).transpose(1, 2)

    def pool(self, acts: torch.Tensor) -> torch.Tensor:
        """(B, K) the global feature of per-point features (B, K, N): max or mean over points."""
        return global_pool(acts, self.config.pool)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.features(x)))

    @property
    def pointwise(self) -> bool:
        """Whether each point's features depend on that point alone (no T-Net mixes them): moving
        some points then changes only their own features."""
        return self.input_tnet is None and self.feature_tnet is None

    @property
    def swaps_features(self) -> bool:
        """Pointwise and max-pooled: moving some points to the origin changes the global feature
        only by swapping their features for the origin's inside a maximum, so perturbations
        need no forward pass per perturbed set."""
        return self.pointwise and self.config.pool == "max"

    @torch.no_grad()
    def origin_feature(self, like: torch.Tensor) -> torch.Tensor:
        """(K,) the per-point feature of a point at the origin of model space (the centroid that
        perturbations move points to), in ``like``'s dtype and device; for a pointwise model."""
        origin = torch.zeros(1, 3, MIN_POINTS, dtype=like.dtype, device=like.device)
        return self.features(origin)[0, :, 0]

    def transform_regularizer(self) -> torch.Tensor:
        """||I - A A^T||^2 for the feature transform of the last forward pass (0 without one)."""
        m = self._feature_matrix
        if m is None:
            return torch.zeros((), device=next(self.parameters()).device)
        eye = torch.eye(m.shape[1], device=m.device, dtype=m.dtype)
        return ((eye - torch.bmm(m, m.transpose(1, 2))) ** 2).sum(dim=(1, 2)).mean()
