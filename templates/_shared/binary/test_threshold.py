"""Threshold choice on held-out folds (binary/threshold.py): known answers, no leaks."""

import numpy as np
import pytest

from {{ package_name }}.binary.costs import Costs, bayes_threshold, flag, row_costs
from {{ package_name }}.binary.threshold import (
    HeldOut,
    best_threshold,
    cross_validated_row_costs,
    fold_curves,
    study,
    threshold_by_cost_ratio,
    threshold_grid,
)

COSTS = Costs(1.0, 5.0)


def _folds(n_repeats: int = 2, n_folds: int = 3, n: int = 300, seed: int = 0) -> list[HeldOut]:
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(np.int64)
    folds = []
    for r in range(n_repeats):
        order = np.random.default_rng(seed + r).permutation(n)
        for rows in np.array_split(order, n_folds):
            folds.append(HeldOut(r, rows.astype(np.int64), y[rows], p[rows]))
    return folds


def test_best_threshold_is_the_middle_of_the_cheapest_flat_stretch() -> None:
    grid = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    assert best_threshold(np.array([[3.0, 1.0, 1.0, 1.0, 2.0]]), grid) == 0.5
    # the mean over folds decides, not any single fold
    curves = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [9.0, 2.0, 3.0, 4.0, 5.0]])
    assert best_threshold(curves, grid) == 0.25


def test_study_compares_tuned_formula_and_half_as_measured_options() -> None:
    folds = _folds()
    grid = threshold_grid()
    result = study(folds, grid, COSTS)
    names = [o.name for o in result.options]
    assert names == ["cost-tuned", "formula C_fp/(C_fp+C_fn)", "0.5"]
    assert result.options[1].threshold == pytest.approx(bayes_threshold(COSTS), abs=1e-6)
    tuned = result.options[0]
    assert tuned.cost == pytest.approx(fold_curves(folds, grid, COSTS).mean(axis=0).min())
    assert all(o.cost_low <= o.cost <= o.cost_high for o in result.options)
    assert tuned.cost <= min(o.cost for o in result.options[1:])
    assert len(result.by_repeat) == 2 and result.spread[0] <= result.spread[1]


def test_each_fold_is_decided_by_a_threshold_tuned_on_the_other_folds() -> None:
    folds = _folds(n_repeats=1, n_folds=3)
    grid = threshold_grid()
    costs = cross_validated_row_costs(folds, grid, COSTS, 300)
    first = folds[0]
    threshold = best_threshold(fold_curves(folds[1:], grid, COSTS), grid)
    assert costs[0, first.rows] == pytest.approx(
        row_costs(first.y, flag(first.scores, threshold), COSTS)
    )
    # relabelling the fold's own rows leaves its threshold, hence its decisions, unchanged
    flipped = [HeldOut(0, first.rows, 1 - first.y, first.scores), *folds[1:]]
    again = cross_validated_row_costs(flipped, grid, COSTS, 300)
    assert again[0, first.rows] == pytest.approx(
        row_costs(1 - first.y, flag(first.scores, threshold), COSTS)
    )


def test_folds_must_cover_every_row() -> None:
    folds = _folds(n_repeats=1)
    with pytest.raises(ValueError, match="cover every"):
        cross_validated_row_costs(folds[:2], threshold_grid(), COSTS, 300)


def test_a_dearer_false_negative_lowers_the_threshold() -> None:
    rows = threshold_by_cost_ratio(_folds(), threshold_grid(), COSTS, [0.4, 1.0, 4.0])
    ratios = [r for r, _ in rows]
    thresholds = [t for _, t in rows]
    assert ratios == pytest.approx([2.0, 5.0, 20.0])
    assert thresholds[0] > thresholds[1] > thresholds[2]


def test_each_repeat_is_tuned_and_priced_on_its_own_folds() -> None:
    folds = _folds(n_repeats=2, n_folds=3, seed=5)
    grid = threshold_grid()
    result = study(folds, grid, COSTS)
    curves = fold_curves(folds, grid, COSTS)
    for r in (0, 1):
        mine = curves[[f.repeat == r for f in folds]]
        assert result.by_repeat[r] == best_threshold(mine, grid)
    half = next(o for o in result.options if o.name == "0.5")
    assert half.threshold == 0.5
    at_half = fold_curves(folds, np.array([0.5]), COSTS)[:, 0]
    means = [at_half[[f.repeat == r for f in folds]].mean() for r in (0, 1)]
    assert (half.cost_low, half.cost_high) == pytest.approx((min(means), max(means)))


def test_a_long_flat_stretch_gives_its_middle_point() -> None:
    grid = np.linspace(0.0, 1.0, 6)
    assert best_threshold(np.array([[3.0, 1.0, 1.0, 1.0, 1.0, 2.0]]), grid) == grid[2]
    # nearly equal is not equal: 1e-9 apart decides
    assert best_threshold(np.array([[3.0, 1.0 + 1e-9, 1.0, 2.0, 2.0, 2.0]]), grid) == grid[2]


def _refitted_folds(n: int = 240) -> list[HeldOut]:
    """Three repeats whose scores differ, as models refitted on other folds' rows do."""
    rng = np.random.default_rng(0)
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(np.int64)
    folds = []
    for r in range(3):
        repeat_rng = np.random.default_rng(10 + r)
        order = repeat_rng.permutation(n)
        scores = np.clip(p + repeat_rng.normal(0, 0.15, n), 0, 1)
        for rows in np.array_split(order, 3):
            folds.append(HeldOut(r, rows.astype(np.int64), y[rows], scores[rows]))
    return folds


def test_three_repeats_are_each_tuned_and_priced_on_their_own_folds() -> None:
    """With three repeats, mixing up "this repeat" and "the other repeats" changes every
    per-repeat number (with two, swapping them would keep the spread the same)."""
    folds = _refitted_folds()
    grid = threshold_grid()
    result = study(folds, grid, COSTS)
    curves = fold_curves(folds, grid, COSTS)
    own = [best_threshold(curves[[f.repeat == r for f in folds]], grid) for r in range(3)]
    assert len(set(own)) == 3  # the repeats disagree, so the test can tell them apart
    assert result.by_repeat == own
    for option in result.options:
        at = fold_curves(folds, np.array([option.threshold]), COSTS)[:, 0]
        per_repeat = [at[[f.repeat == r for f in folds]].mean() for r in range(3)]
        assert len(set(per_repeat)) == 3
        assert (option.cost_low, option.cost_high) == pytest.approx(
            (min(per_repeat), max(per_repeat))
        )


def test_the_default_grid_is_every_half_percent_from_0_to_1() -> None:
    grid = threshold_grid()
    assert grid.size == 201 and (grid[0], grid[-1]) == (0.0, 1.0)
    assert np.allclose(np.diff(grid), 0.005)
