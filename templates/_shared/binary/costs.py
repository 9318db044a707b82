"""Cost arithmetic for a binary decision: one implementation of each quantity.

Shared by the portfoliokit projects that make a binary decision. Conventions: label 1
is the positive class, the class the model flags and acts on; a case is flagged when its
score is at or above the threshold (as scikit-learn's FixedThresholdClassifier does). A
false positive is a negative case flagged, a false negative a positive case let through;
correct decisions cost 0. Costs are in the units of the cost matrix, per decision unless
a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.dummy import DummyClassifier
from sklearn.metrics import make_scorer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The two policies anyone can run without a model, as constant classifiers.
TRIVIAL_POLICIES = {"flag_all": 1, "flag_none": 0}


@dataclass(frozen=True)
class Costs:
    """Cost of one false positive and of one false negative (both > 0)."""

    false_positive: float
    false_negative: float

    def __post_init__(self) -> None:
        if not (self.false_positive > 0 and self.false_negative > 0):
            raise ValueError("both error costs must be positive")

    @property
    def ratio(self) -> float:
        """C_fn / C_fp: how many false positives one false negative is worth."""
        return self.false_negative / self.false_positive

    def scaled(self, ratio_factor: float) -> Costs:
        """The same false-positive cost with the false-negative cost times `ratio_factor`."""
        return Costs(self.false_positive, self.false_negative * ratio_factor)


@dataclass(frozen=True)
class Counts:
    """A confusion matrix: true/false positives and negatives (counts of decisions)."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def positives(self) -> int:
        """Cases of the positive class: the denominator of the false negative rate."""
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        """Cases of the negative class: the denominator of the false positive rate."""
        return self.tn + self.fp

    @property
    def flagged(self) -> int:
        return self.tp + self.fp


def flag(scores: npt.ArrayLike, threshold: float) -> IntArray:
    """1 where the case is flagged (score at or above the threshold), else 0."""
    return (np.asarray(scores, dtype=float) >= threshold).astype(np.int64)


def confusion_counts(y_true: npt.ArrayLike, flagged: npt.ArrayLike) -> Counts:
    """Counts of the four outcomes; `y_true` and `flagged` are 0/1 of equal length."""
    y = np.asarray(y_true).astype(bool)
    f = np.asarray(flagged).astype(bool)
    return Counts(
        tp=int(np.sum(y & f)),
        fp=int(np.sum(~y & f)),
        tn=int(np.sum(~y & ~f)),
        fn=int(np.sum(y & ~f)),
    )


def expected_cost(counts: Counts, costs: Costs) -> float:
    """Average cost per decision of a confusion matrix; the one cost formula.

    (fp * C_fp + fn * C_fn) / n. Zero decisions: ValueError.
    """
    if counts.n == 0:
        raise ValueError("expected cost is undefined for zero decisions")
    return (counts.fp * costs.false_positive + counts.fn * costs.false_negative) / counts.n


def row_costs(y_true: npt.ArrayLike, flagged: npt.ArrayLike, costs: Costs) -> FloatArray:
    """The cost of each single decision; its mean is `expected_cost` of the same rows.

    This is what a bootstrap resamples.
    """
    y = np.asarray(y_true).astype(bool)
    f = np.asarray(flagged).astype(bool)
    return np.where(~y & f, costs.false_positive, 0.0) + np.where(y & ~f, costs.false_negative, 0.0)


def negative_cost_score(y_true: Any, y_pred: Any, *, costs: Costs) -> float:
    """Minus the expected cost per decision: a scikit-learn score (higher is better)."""
    return -expected_cost(confusion_counts(y_true, y_pred), costs)


def cost_scorer(costs: Costs) -> Any:
    """A scikit-learn scorer of hard decisions: minus the expected cost per decision."""
    return make_scorer(partial(negative_cost_score, costs=costs), response_method="predict")


def trivial_policy(name: str) -> DummyClassifier:
    """A policy that needs no model, "flag_all" or "flag_none", as a constant classifier."""
    return DummyClassifier(strategy="constant", constant=TRIVIAL_POLICIES[name])


def trivial_policy_costs(X: Any, y: npt.ArrayLike, costs: Costs) -> dict[str, float]:
    """Cost per decision of each trivial policy on rows (X, y), by the model's scorer.

    Each policy is a `DummyClassifier(strategy="constant")` scored by `cost_scorer`, so a
    trivial policy and the model are priced by the same code. The constant classifier
    is fitted on (X, y) only to learn the labels; its decisions do not depend on them.
    """
    y_arr = np.asarray(y)
    if y_arr.size == 0:
        raise ValueError("trivial policies are undefined for zero decisions")
    scorer = cost_scorer(costs)
    rows, labels = np.zeros((2, 1)), np.array([0, 1])
    return {
        name: -float(scorer(trivial_policy(name).fit(rows, labels), X, y_arr))
        for name in TRIVIAL_POLICIES
    }


def best_trivial_policy(policy_costs: dict[str, float]) -> str:
    """The cheaper of the trivial policies (flag_all on a tie)."""
    return min(TRIVIAL_POLICIES, key=lambda name: policy_costs[name])


def bayes_threshold(costs: Costs) -> float:
    """The cost-minimising threshold for calibrated probabilities: C_fp / (C_fp + C_fn).

    Flag when p * C_fn >= (1 - p) * C_fp, i.e. when the expected cost of letting the case
    through is at least the expected cost of flagging it. Range (0, 1).
    """
    return costs.false_positive / (costs.false_positive + costs.false_negative)


def cost_curve(
    y_true: npt.ArrayLike, scores: npt.ArrayLike, thresholds: npt.ArrayLike, costs: Costs
) -> FloatArray:
    """Expected cost per decision at each threshold (vectorised over thresholds)."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=float)
    t = np.asarray(thresholds, dtype=float)
    if y.size == 0:
        raise ValueError("a cost curve needs at least one decision")
    flagged = s[None, :] >= t[:, None]
    fp = np.sum(flagged & ~y[None, :], axis=1)
    fn = np.sum(~flagged & y[None, :], axis=1)
    result: FloatArray = (fp * costs.false_positive + fn * costs.false_negative) / y.size
    return result


def flag_rate_curve(scores: npt.ArrayLike, thresholds: npt.ArrayLike) -> FloatArray:
    """Share of cases flagged at each threshold, in [0, 1]."""
    s = np.asarray(scores, dtype=float)
    t = np.asarray(thresholds, dtype=float)
    result: FloatArray = np.mean(s[None, :] >= t[:, None], axis=1)
    return result
