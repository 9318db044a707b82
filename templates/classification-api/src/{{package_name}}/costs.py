"""Cost arithmetic for a binary decision: pure functions with known-answer tests.

Conventions used everywhere in the project: label 1 is the positive class, the class the
model flags and acts on; a case is flagged when its probability is at or above the
threshold (as scikit-learn's FixedThresholdClassifier does). A false positive is a
negative case flagged, a false negative a positive case let through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Costs:
    """Cost of one false positive and of one false negative; correct decisions cost 0."""

    false_positive: float
    false_negative: float

    def scaled(self, ratio_factor: float) -> Costs:
        """The same false-positive cost with the false-negative cost times `ratio_factor`."""
        return Costs(self.false_positive, self.false_negative * ratio_factor)


@dataclass(frozen=True)
class Counts:
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn


def flag(probabilities: npt.ArrayLike, threshold: float) -> IntArray:
    """1 where the case is flagged (probability at or above the threshold)."""
    return (np.asarray(probabilities, dtype=float) >= threshold).astype(np.int64)


def confusion_counts(y_true: npt.ArrayLike, flagged: npt.ArrayLike) -> Counts:
    y = np.asarray(y_true).astype(bool)
    f = np.asarray(flagged).astype(bool)
    return Counts(
        tp=int(np.sum(y & f)),
        fp=int(np.sum(~y & f)),
        tn=int(np.sum(~y & ~f)),
        fn=int(np.sum(y & ~f)),
    )


def row_costs(y_true: npt.ArrayLike, flagged: npt.ArrayLike, costs: Costs) -> FloatArray:
    """The cost of each single decision: what a bootstrap resamples."""
    y = np.asarray(y_true).astype(bool)
    f = np.asarray(flagged).astype(bool)
    return np.where(~y & f, costs.false_positive, 0.0) + np.where(y & ~f, costs.false_negative, 0.0)


def expected_cost(counts: Counts, costs: Costs) -> float:
    """Average cost per decision."""
    if counts.n == 0:
        raise ValueError("expected cost is undefined for zero decisions")
    return (counts.fp * costs.false_positive + counts.fn * costs.false_negative) / counts.n


def per(n_decisions: int, rate: float) -> float:
    """A per-decision rate expressed per `n_decisions` decisions (e.g. per 1,000)."""
    return rate * n_decisions


def bayes_threshold(costs: Costs) -> float:
    """Optimal threshold for calibrated probabilities: C_fp / (C_fp + C_fn).

    Flag when p * C_fn >= (1 - p) * C_fp, i.e. when the expected cost of letting the case
    through is at least the expected cost of flagging it.
    """
    return costs.false_positive / (costs.false_positive + costs.false_negative)


def trivial_policy_costs(y_true: npt.ArrayLike, costs: Costs) -> dict[str, float]:
    """Cost per decision of flagging everyone and of flagging no one."""
    y = np.asarray(y_true).astype(bool)
    if y.size == 0:
        raise ValueError("trivial policies are undefined for zero decisions")
    positive_rate = float(np.mean(y))
    return {
        "flag_all": (1 - positive_rate) * costs.false_positive,
        "flag_none": positive_rate * costs.false_negative,
    }


def cost_curve(
    y_true: npt.ArrayLike, probabilities: npt.ArrayLike, thresholds: npt.ArrayLike, costs: Costs
) -> FloatArray:
    """Expected cost per decision at each threshold, vectorised over thresholds."""
    y = np.asarray(y_true).astype(bool)
    p = np.asarray(probabilities, dtype=float)
    t = np.asarray(thresholds, dtype=float)
    flagged = p[None, :] >= t[:, None]
    fp = np.sum(flagged & ~y[None, :], axis=1)
    fn = np.sum(~flagged & y[None, :], axis=1)
    result: FloatArray = (fp * costs.false_positive + fn * costs.false_negative) / y.size
    return result


def negative_cost_score(y_true: Any, y_pred: Any, *, costs: Costs) -> float:
    """Minus the expected cost per decision: a scikit-learn score (higher is better)."""
    return -float(np.mean(row_costs(y_true, y_pred, costs)))
