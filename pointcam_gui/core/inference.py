"""Running the model on a part's views, and the expectations over them.

One batched pass gives the logits, the pooled features and, with a method, its maps of every
class (methods that weight channels share the weights between the views: the stable analysis).
``expectations`` turns a run into an ``Explanation``: tempered mean probabilities, novelty, and
the averaged maps scaled for display. ``Classifier`` is the API over these.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from pointcam_gui.core.analysis import Explanation
from pointcam_gui.core.calibration import view_probabilities
from pointcam_gui.core.explain import explainer
from pointcam_gui.core.explain.base import Views
from pointcam_gui.core.explain.gradcam import activations, scale_by_max
from pointcam_gui.core.model import PointNet
from pointcam_gui.core.novelty import NoveltyModel

BATCH = 64  # views per forward pass: bounds the (B, K, N) activations


@dataclass(frozen=True)
class Run:
    logits: np.ndarray  # (V, C) untempered
    raw: np.ndarray  # (V, C, N) maps with shared weights (empty without a method)
    features: np.ndarray  # (V, K) the pooled features
    timings_ms: dict[str, float]


def _channels_first(views: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(views.transpose(0, 2, 1), np.float32))


def class_rows(classes: int, contrast: int | None, device: torch.device) -> torch.Tensor:
    """(C, C) rows over the logits: each class, minus the contrast class when there is one."""
    rows = torch.eye(classes)
    if contrast is not None:
        rows[:, contrast] -= 1.0
    return rows.to(device)


def logits_of(model: PointNet, views: np.ndarray, device: torch.device) -> np.ndarray:
    """(V, C) raw logits of V (N, 3) model-space point sets: ``model(x)`` alone."""
    x = _channels_first(views)
    with torch.inference_mode():
        logits = torch.cat([model(x[s:s + BATCH].to(device)) for s in range(0, len(x), BATCH)])
    return logits.cpu().numpy()


def forward(model: PointNet, views: np.ndarray, device: torch.device, method: str | None,
            contrast: int | None = None) -> Run:
    """One part seen as V (N, 3) model-space point sets: logits, pooled features and, with a
    ``method``, its maps of every class (of class c rather than ``contrast``, if given)."""
    x = _channels_first(views)
    t0 = time.perf_counter()
    chunks = [activations(model, x[s:s + BATCH].to(device)) for s in range(0, len(x), BATCH)]
    acts = chunks[0] if len(chunks) == 1 else torch.cat(chunks)  # cat would copy one too
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    t1 = time.perf_counter()
    pooled = model.pool(acts)
    if method is not None:
        seen = Views.of(model, x.to(device), acts)
        targets = class_rows(model.config.num_classes, contrast, device)
        raw = explainer(method, model).maps(seen, targets, shared=True)
        logits = seen.logits
    else:
        with torch.no_grad():
            logits, raw = model.head(pooled), torch.empty(0)
    run = Run(logits.cpu().numpy(), raw.cpu().numpy(), pooled.cpu().numpy(), {})
    t2 = time.perf_counter()
    run.timings_ms.update(forward=(t1 - t0) * 1000, explain=(t2 - t1) * 1000)
    return run


def expectations(run: Run, raw: np.ndarray, class_names: Sequence[str], temperature: float,
                 novelty_model: NoveltyModel | None, method: str,
                 contrast: int | None) -> Explanation:
    """The expectations over the run's views: tempered probabilities, novelty; ``raw`` is the
    already averaged (C, N) map."""
    probs = view_probabilities(run.logits, temperature)
    raw32 = np.ascontiguousarray(raw, dtype=np.float32)
    novelty, unfamiliar = float("nan"), False
    if novelty_model is not None:
        novelty = novelty_model.score(run.logits, run.features)
        unfamiliar = novelty_model.unfamiliar(novelty)
    cams = scale_by_max(torch.from_numpy(raw32)).numpy() if raw32.size else raw32
    return Explanation(class_names=tuple(class_names), probabilities=probs.astype(np.float32),
                       predicted=int(np.argmax(probs)), cams=cams, raw_cams=raw32,
                       timings_ms=run.timings_ms, novelty=novelty, unfamiliar=unfamiliar,
                       method=method, contrast=contrast)
