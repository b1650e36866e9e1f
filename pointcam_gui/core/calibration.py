"""Probabilities that mean what they say: temperature scaling, and the calibration error.

A network trained with cross-entropy is often over-confident. Temperature scaling (Guo et al.,
ICML 2017) divides the logits by one scalar T fitted on held-out parts to minimise their negative
log-likelihood; it never changes which class wins. The pipeline averages the softmax over its
views, so T is fitted on exactly that average. The expected calibration error (ECE) is the
sample-weighted gap between confidence and accuracy over 10 equal-width confidence bins.
"""

from __future__ import annotations

import numpy as np

ECE_BINS = 10


def view_probabilities(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(..., V, C) logits of V views -> (..., C) mean of the tempered softmax over the views."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=-1, keepdims=True)
    return np.asarray(p.mean(axis=-2))


def fit_temperature(logits: list[np.ndarray], labels: np.ndarray) -> float:
    """The T in [0.05, 20] that minimises the NLL of the view-averaged probabilities.

    ``logits`` holds one (V_i, C) array per part (parts may have different view counts).
    """
    y = np.asarray(labels, dtype=np.int64)
    if len(logits) != len(y) or not len(y):
        raise ValueError("need one logits array per label, and at least one part")

    def nll(log_t: float) -> float:
        t = float(np.exp(log_t))
        p = np.stack([view_probabilities(z, t) for z in logits])
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    from scipy.optimize import minimize_scalar  # fitting only: inference need not load SciPy

    found = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded",
                            options={"xatol": 1e-4})
    return float(np.exp(found.x))


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray,
                               bins: int = ECE_BINS) -> float:
    """ECE over ``bins`` equal-width bins of the top probability."""
    p = np.asarray(probabilities, dtype=np.float64)
    if not len(p):
        return float("nan")
    return _ece(p.max(axis=1), p.argmax(axis=1) == np.asarray(labels), bins)


def ece_of_a_calibrated_model(confidences: np.ndarray, bins: int = ECE_BINS, draws: int = 2000,
                              seed: int = 0) -> np.ndarray:
    """(draws,) the ECE a perfectly calibrated model would measure with these top probabilities:
    each part right with the probability it states. On a few dozen parts this is far from zero
    (the noise floor of the measure), which is how to read an ECE measured on a small set."""
    confidence = np.asarray(confidences, dtype=np.float64)
    rng = np.random.default_rng(seed)
    return np.array([_ece(confidence, rng.random(len(confidence)) < confidence, bins)
                     for _ in range(draws)])


def _ece(confidence: np.ndarray, correct: np.ndarray, bins: int) -> float:
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    ece = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            ece += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(ece)
