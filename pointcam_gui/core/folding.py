"""Folded inference: a point block's convolution and batch norm as one matrix product.

In eval mode ``bn(conv(x))`` is an affine map, so the shared per-point MLP runs as a few plain
matrix products on points-major rows (``PointNet.point_features``), and the gradient methods
(``explain.jacobians``) reuse the same folded weights. A merged ensemble's layers are block
diagonal (``training.merge``); each block of rows is multiplied alone, so the zeros cost nothing.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

_MAX_SPANS = 16  # row spans worth multiplying apart (a merged ensemble has one per member)


def foldable(block: nn.Module) -> bool:
    """A point block as ``model``'s point blocks builds it: Conv1d (kernel 1), BatchNorm1d, ReLU."""
    return (isinstance(block, nn.Sequential) and len(block) == 3
            and isinstance(block[0], nn.Conv1d) and block[0].kernel_size == (1,)
            and isinstance(block[1], nn.BatchNorm1d) and block[1].running_var is not None
            and isinstance(block[2], nn.ReLU))


def folded(block: nn.Sequential) -> tuple[torch.Tensor, torch.Tensor]:
    """The (out, in) matrix and (out,) bias of a point block's convolution and batch norm in
    eval mode: bn(conv(x)) = scale * (W x + b - mean) + beta."""
    conv, bn = block[0], block[1]
    assert isinstance(conv, nn.Conv1d) and isinstance(bn, nn.BatchNorm1d)
    assert bn.running_var is not None and bn.running_mean is not None
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    weight = conv.weight[:, :, 0] * scale[:, None]
    bias = bn.bias - bn.running_mean * scale
    if conv.bias is not None:
        bias = bias + conv.bias * scale
    return weight, bias


def row_spans(weight: torch.Tensor) -> list[tuple[int, int, int, int]]:
    """(row start, row end, column start, column end) of runs of rows whose non-zero weights
    span the same columns: one span for a trained layer, one per member for a merged ensemble's
    block-diagonal layer (``training.merge``), whose zero blocks then cost nothing."""
    nonzero = weight != 0
    first = nonzero.to(torch.uint8).argmax(dim=1)
    last = weight.shape[1] - 1 - nonzero.flip(1).to(torch.uint8).argmax(dim=1)
    edges = torch.ones(weight.shape[0], dtype=torch.bool)
    edges[1:] = (first[1:] != first[:-1]) | (last[1:] != last[:-1])
    starts = [*edges.nonzero().flatten().tolist(), weight.shape[0]]
    return [(r0, r1, int(first[r0]), int(last[r0]) + 1)
            for r0, r1 in itertools.pairwise(starts)]


def _split_spans(weight: torch.Tensor) -> list[tuple[int, int, int, int]] | None:
    """The row spans worth multiplying apart, or None where one plain product is the way: one
    block (a trained layer), or so many that the zeros are strays rather than blocks."""
    spans = row_spans(weight)
    return spans if 1 < len(spans) <= _MAX_SPANS else None


def split_linear(h: torch.Tensor, weight: torch.Tensor,
                 bias: torch.Tensor | None = None) -> torch.Tensor:
    """h (P, I) @ weight (O, I).T (+ bias), points-major as the folded inference runs it."""
    spans = _split_spans(weight)
    if spans is None:
        return h @ weight.t() if bias is None else torch.addmm(bias, h, weight.t())
    out = h.new_empty(h.shape[0], weight.shape[0])
    for r0, r1, c0, c1 in spans:
        block, into = weight[r0:r1, c0:c1].t(), out[:, r0:r1]
        if bias is None:
            torch.mm(h[:, c0:c1], block, out=into)
        else:
            torch.addmm(bias[r0:r1], h[:, c0:c1], block, out=into)
    return out


def split_matmul(weight: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """weight (O, I) @ x (..., I, M), each row span's block (``row_spans``) multiplied alone,
    so a merged ensemble's zero blocks cost nothing; one plain product otherwise."""
    spans = _split_spans(weight)
    if spans is None:
        return weight @ x
    out = x.new_empty(*x.shape[:-2], weight.shape[0], x.shape[-1])
    for r0, r1, c0, c1 in spans:
        out[..., r0:r1, :] = weight[r0:r1, c0:c1] @ x[..., c0:c1, :]
    return out


def split_rmatmul(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """x (..., O) @ weight (O, I), block by block as ``split_matmul`` (the transposed product
    backward passes need)."""
    spans = _split_spans(weight)
    if spans is None:
        return x @ weight
    out = x.new_zeros(*x.shape[:-1], weight.shape[1])
    for r0, r1, c0, c1 in spans:  # column ranges may overlap where stray zeros split a block
        out[..., c0:c1] += x[..., r0:r1] @ weight[r0:r1, c0:c1]
    return out


@torch.no_grad()
def pre_activation(block: nn.Sequential, h: torch.Tensor) -> torch.Tensor:
    """A foldable point block's batch-normed convolution of h (V, C_in, W), before its ReLU, as
    one block-split matrix product (eval mode)."""
    weight, bias = folded(block)
    return split_matmul(weight, h) + bias[:, None]
