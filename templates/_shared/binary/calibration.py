"""Calibration of scores in [0, 1]: measured (Brier, calibration error, reliability) and fixed.

Shared by the portfoliokit projects that make a binary decision. A score may be called
a probability only if it is calibrated: among cases scored about p, a share of about p
is positive. `measure` says how far a score is from that; `Sigmoid` (Platt scaling) is
the calibration step fitted on held-out scores, and `cross_validated_calibration`
measures what that step would do without fitting it on the rows it is judged on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss

from ..core.stats import Interval, rate
from .threshold import HeldOut

FloatArray = npt.NDArray[np.float64]
_EPS = 1e-6


class ReliabilityBin(BaseModel):
    """One equal-count bin: mean score, observed positive rate (Wilson) and its count."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mean_score: float
    observed: Interval
    n: int


class Calibration(BaseModel):
    """Brier score (0 best, squared error of the score), calibration error and bins.

    `calibration_error` is the expected calibration error over equal-count bins: the
    count-weighted mean of |observed rate - mean score|, in [0, 1].
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    brier: float
    calibration_error: float
    mean_score: float
    positive_rate: float
    bins: list[ReliabilityBin]


def reliability(
    y: npt.ArrayLike, scores: npt.ArrayLike, n_bins: int = 10, confidence: float = 0.95
) -> list[ReliabilityBin]:
    """Observed positive rate against mean score in `n_bins` equal-count bins.

    Fewer rows than bins give one bin per row; each bin carries its row count, and its
    observed rate a Wilson interval on that count.
    """
    y_arr, s = np.asarray(y, dtype=np.int64), np.asarray(scores, dtype=float)
    if y_arr.size == 0:
        raise ValueError("reliability needs at least one row")
    order = np.argsort(s, kind="stable")
    bins = []
    for chunk in np.array_split(order, min(n_bins, y_arr.size)):
        bins.append(
            ReliabilityBin(
                mean_score=float(np.mean(s[chunk])),
                observed=rate(int(y_arr[chunk].sum()), int(chunk.size), confidence),
                n=int(chunk.size),
            )
        )
    return bins


def calibration_error(bins: Sequence[ReliabilityBin]) -> float:
    """Count-weighted mean |observed rate - mean score| over the bins, in [0, 1]."""
    total = sum(b.n for b in bins)
    if total == 0:
        raise ValueError("calibration error needs at least one row")
    return float(sum(b.n * abs((b.observed.estimate or 0.0) - b.mean_score) for b in bins) / total)


def measure(
    y: npt.ArrayLike, scores: npt.ArrayLike, n_bins: int = 10, confidence: float = 0.95
) -> Calibration:
    """Brier score, calibration error and reliability bins of scores against 0/1 labels."""
    y_arr, s = np.asarray(y, dtype=np.int64), np.asarray(scores, dtype=float)
    bins = reliability(y_arr, s, n_bins, confidence)
    return Calibration(
        brier=float(brier_score_loss(y_arr, s)),
        calibration_error=calibration_error(bins),
        mean_score=float(s.mean()),
        positive_rate=float(y_arr.mean()),
        bins=bins,
    )


@dataclass(frozen=True)
class Sigmoid:
    """Platt scaling: calibrated = 1 / (1 + exp(-(slope * logit(score) + intercept))).

    Monotone increasing for slope > 0, so thresholding the calibrated score at
    `apply(t)` makes the same decisions as thresholding the raw score at t.
    """

    slope: float
    intercept: float

    def apply(self, scores: npt.ArrayLike) -> FloatArray:
        z = self.slope * _logit(np.asarray(scores, dtype=float)) + self.intercept
        result: FloatArray = 1.0 / (1.0 + np.exp(-z))
        return result


def fit_sigmoid(y: npt.ArrayLike, scores: npt.ArrayLike) -> Sigmoid:
    """Platt scaling fitted on held-out scores (unregularised logistic regression)."""
    y_arr = np.asarray(y, dtype=np.int64)
    if len(np.unique(y_arr)) < 2:
        raise ValueError("calibration needs held-out rows of both classes")
    x = _logit(np.asarray(scores, dtype=float))[:, None]
    fitted = LogisticRegression(C=np.inf).fit(x, y_arr)
    return Sigmoid(slope=float(fitted.coef_[0, 0]), intercept=float(fitted.intercept_[0]))


def cross_validated_calibration(folds: Sequence[HeldOut]) -> list[HeldOut]:
    """The folds' scores after a sigmoid fitted on the other folds of the same repeat.

    What calibration would give on rows it was not fitted on: compare `measure` of these
    scores with `measure` of the raw ones.
    """
    out = []
    for k, fold in enumerate(folds):
        others = [f for j, f in enumerate(folds) if f.repeat == fold.repeat and j != k]
        if not others:
            raise ValueError("cross-validated calibration needs at least two folds per repeat")
        sigmoid = fit_sigmoid(
            np.concatenate([f.y for f in others]), np.concatenate([f.scores for f in others])
        )
        out.append(HeldOut(fold.repeat, fold.rows, fold.y, sigmoid.apply(fold.scores)))
    return out


def _logit(p: FloatArray) -> FloatArray:
    clipped = np.clip(p, _EPS, 1 - _EPS)
    result: FloatArray = np.log(clipped / (1 - clipped))
    return result
