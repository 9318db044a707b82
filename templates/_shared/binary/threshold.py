"""Choosing a decision threshold from costs on held-out folds, and how sure that choice is.

Shared by the portfoliokit projects that make a binary decision. The input is the
out-of-fold scores of repeated cross-validation on the training rows (`HeldOut`, one per
fold and repeat): the same folds give the chosen threshold, the cost curve drawn in the
reports, the spread over repeats and the cross-validated cost of the whole rule, so the
figure's minimum is where the chosen line is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from .costs import Costs, bayes_threshold, cost_curve, flag, row_costs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def threshold_grid(points: int = 201) -> FloatArray:
    """Candidate thresholds 0, 0.005, ..., 1 (with the default 201 points)."""
    return np.linspace(0.0, 1.0, points)


@dataclass(frozen=True)
class HeldOut:
    """The scores of one fold's held-out rows, from a model fitted on the other folds.

    `rows` are positions in the training rows, `y` their 0/1 labels, `scores` the
    model's scores in [0, 1]; `repeat` numbers the repetition (one seed of fold splits).
    """

    repeat: int
    rows: IntArray
    y: IntArray
    scores: FloatArray


def fold_curves(folds: Sequence[HeldOut], grid: FloatArray, costs: Costs) -> FloatArray:
    """Cost per decision at each threshold, one row per fold (folds x thresholds)."""
    return np.vstack([cost_curve(f.y, f.scores, grid, costs) for f in folds])


def best_threshold(curves: FloatArray, grid: FloatArray) -> float:
    """The threshold with the lowest mean cost over the given fold curves.

    On a tie (a flat stretch of the mean curve) the middle of the cheapest stretch is
    taken, so a flat curve does not pull the choice to its edge.
    """
    mean_curve = curves.mean(axis=0)
    cheapest = np.flatnonzero(np.isclose(mean_curve, mean_curve.min(), rtol=0, atol=1e-12))
    # The first contiguous run of cheapest points, then its middle point.
    run_end = cheapest[0]
    while run_end + 1 in cheapest:
        run_end += 1
    return float(grid[(cheapest[0] + run_end) // 2])


class ThresholdOption(BaseModel):
    """One threshold considered, with its cross-validated cost per decision.

    `cost` is the mean over all folds; `cost_low`/`cost_high` the lowest and highest of
    the repeats' means (the spread over fold seeds, not a confidence interval).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    threshold: float
    cost: float
    cost_low: float
    cost_high: float


class ThresholdStudy(BaseModel):
    """The chosen threshold, its spread over repeats and the options it was compared with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    chosen: float
    by_repeat: list[float]
    options: list[ThresholdOption]

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.by_repeat), max(self.by_repeat)


def study(folds: Sequence[HeldOut], grid: FloatArray, costs: Costs) -> ThresholdStudy:
    """Choose the threshold on all folds; compare it with C_fp/(C_fp+C_fn) and 0.5."""
    curves = fold_curves(folds, grid, costs)
    repeats = sorted({f.repeat for f in folds})
    by_repeat = [best_threshold(curves[[f.repeat == r for f in folds]], grid) for r in repeats]
    chosen = best_threshold(curves, grid)
    options = []
    for name, threshold in (
        ("cost-tuned", chosen),
        ("formula C_fp/(C_fp+C_fn)", bayes_threshold(costs)),
        ("0.5", 0.5),
    ):
        per_fold = fold_curves(folds, np.array([threshold]), costs)[:, 0]
        per_repeat = [float(per_fold[[f.repeat == r for f in folds]].mean()) for r in repeats]
        options.append(
            ThresholdOption(
                name=name,
                threshold=round(threshold, 6),
                cost=float(per_fold.mean()),
                cost_low=min(per_repeat),
                cost_high=max(per_repeat),
            )
        )
    return ThresholdStudy(chosen=chosen, by_repeat=by_repeat, options=options)


def cross_validated_row_costs(
    folds: Sequence[HeldOut], grid: FloatArray, costs: Costs, n_rows: int
) -> FloatArray:
    """Each training row's cost under the tuned rule, one row per repeat (repeats x rows).

    For each fold the threshold is tuned on the other folds of the same repeat and
    applied to this fold's rows, so no row's cost comes from a threshold chosen on it.
    """
    repeats = sorted({f.repeat for f in folds})
    out = np.full((len(repeats), n_rows), np.nan)
    curves = fold_curves(folds, grid, costs)
    for k, fold in enumerate(folds):
        others = [j for j, f in enumerate(folds) if f.repeat == fold.repeat and j != k]
        if not others:
            raise ValueError("tuning across folds needs at least two folds per repeat")
        threshold = best_threshold(curves[others], grid)
        out[repeats.index(fold.repeat), fold.rows] = row_costs(
            fold.y, flag(fold.scores, threshold), costs
        )
    if np.isnan(out).any():
        raise ValueError("each repeat's folds must cover every training row exactly once")
    return out


def threshold_by_cost_ratio(
    folds: Sequence[HeldOut], grid: FloatArray, costs: Costs, factors: Sequence[float]
) -> list[tuple[float, float]]:
    """(cost ratio C_fn/C_fp, threshold chosen on the folds) for each factor on C_fn."""
    rows = []
    for factor in factors:
        shifted = costs.scaled(factor)
        rows.append((shifted.ratio, best_threshold(fold_curves(folds, grid, shifted), grid)))
    return rows
