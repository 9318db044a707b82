"""The review band around the threshold: which messages go to a person.

The threshold itself is chosen by the family's `binary.threshold`; the band's cut-off
is chosen on out-of-fold probabilities of the training messages as well.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .binary.costs import Costs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def log_odds_distance(p: FloatArray, threshold: float) -> FloatArray:
    """How far each probability is from the threshold, on the log-odds scale."""
    eps = 1e-9
    q = np.clip(p, eps, 1 - eps)
    t = min(max(threshold, eps), 1 - eps)
    return np.asarray(np.abs(np.log(q / (1 - q)) - np.log(t / (1 - t))), dtype=float)


@dataclass(frozen=True)
class AutomationPoint:
    cutoff: float  # messages closer to the threshold than this (log-odds) go to a person
    automated_share: float
    error_rate_automated: float  # errors among the automatically decided messages
    cost_per_1k: float  # error costs of automated decisions plus review costs, per 1,000


def automation_curve(
    y: IntArray,
    p: FloatArray,
    threshold: float,
    costs: Costs,
    review_cost: float,
    cutoffs: FloatArray,
) -> list[AutomationPoint]:
    """For each cut-off: what share is decided automatically, how often it errs, and the
    cost per 1,000 messages when a person decides the rest (assumed without error)."""
    distance = log_odds_distance(p, threshold)
    flagged = p >= threshold
    wrong = flagged != (y == 1)
    unit = np.where(flagged & (y == 0), costs.false_positive, 0.0) + np.where(
        ~flagged & (y == 1), costs.false_negative, 0.0
    )
    points = []
    for cutoff in cutoffs:
        auto = distance >= cutoff
        n_auto = int(auto.sum())
        cost = (unit[auto].sum() + review_cost * (len(y) - n_auto)) / len(y) * 1000
        points.append(
            AutomationPoint(
                cutoff=float(cutoff),
                automated_share=n_auto / len(y),
                error_rate_automated=float(wrong[auto].mean()) if n_auto else 0.0,
                cost_per_1k=float(cost),
            )
        )
    return points


def cutoff_grid(p: FloatArray, threshold: float, max_review_share: float = 0.5) -> FloatArray:
    """Cut-offs that send 0 %, 0.5 %, 1 %, ... up to `max_review_share` of `p` to a person."""
    shares = np.arange(0.0, max_review_share + 1e-9, 0.005)
    distance = log_odds_distance(p, threshold)
    cuts = np.quantile(distance, shares)
    cuts[0] = 0.0
    return np.asarray(np.unique(cuts), dtype=float)
