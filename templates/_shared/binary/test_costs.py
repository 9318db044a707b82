"""Known answers for the shared cost arithmetic (binary/costs.py)."""

import numpy as np
import pandas as pd
import pytest

from {{ package_name }}.binary.costs import (
    Costs,
    Counts,
    bayes_threshold,
    best_trivial_policy,
    confusion_counts,
    cost_curve,
    cost_scorer,
    expected_cost,
    flag,
    flag_rate_curve,
    negative_cost_score,
    row_costs,
    trivial_policy,
    trivial_policy_costs,
)

COSTS = Costs(false_positive=1.0, false_negative=5.0)
Y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
P = np.array([0.9, 0.4, 0.1, 0.8, 0.3, 0.2, 0.2, 0.1, 0.05, 0.0])


def test_a_case_is_flagged_at_or_above_the_threshold() -> None:
    assert flag([0.2, 0.25, 0.3], 0.25).tolist() == [0, 1, 1]


def test_confusion_counts_and_expected_cost_by_hand() -> None:
    counts = confusion_counts(Y, flag(P, 0.3))
    # flagged: 0.9 (pos), 0.4 (pos), 0.8 (neg), 0.3 (neg); missed: 0.1 (pos)
    assert counts == Counts(tp=2, fp=2, tn=5, fn=1)
    assert (counts.positives, counts.negatives, counts.flagged) == (3, 7, 4)
    assert expected_cost(counts, COSTS) == pytest.approx((2 * 1 + 1 * 5) / 10)
    assert row_costs(Y, flag(P, 0.3), COSTS).tolist() == [0, 0, 5, 1, 1, 0, 0, 0, 0, 0]
    assert negative_cost_score(Y, flag(P, 0.3), costs=COSTS) == pytest.approx(-0.7)
    with pytest.raises(ValueError, match="zero decisions"):
        expected_cost(Counts(0, 0, 0, 0), COSTS)


def test_costs_must_be_positive_and_scale_the_false_negative() -> None:
    with pytest.raises(ValueError, match="positive"):
        Costs(0.0, 5.0)
    assert COSTS.ratio == 5.0
    assert COSTS.scaled(1.2).false_negative == pytest.approx(6.0)


def test_bayes_threshold_is_fp_cost_over_total() -> None:
    assert bayes_threshold(COSTS) == pytest.approx(1 / 6)
    assert bayes_threshold(Costs(1.0, 1.0)) == pytest.approx(0.5)


def test_trivial_policies_are_constant_classifiers_priced_by_the_model_scorer() -> None:
    X = pd.DataFrame({"x": np.arange(10)})
    costs = trivial_policy_costs(X, Y, COSTS)
    assert costs["flag_all"] == pytest.approx(0.7 * 1)  # every negative flagged
    assert costs["flag_none"] == pytest.approx(0.3 * 5)  # every positive let through
    assert best_trivial_policy(costs) == "flag_all"
    assert trivial_policy("flag_all").fit(X, Y).predict(X).tolist() == [1] * 10
    scorer = cost_scorer(COSTS)
    assert -scorer(trivial_policy("flag_none").fit(X, Y), X, Y) == pytest.approx(1.5)


def test_cost_curve_matches_counting_at_each_threshold() -> None:
    thresholds = np.array([0.0, 0.15, 0.3, 0.5, 1.01])
    curve = cost_curve(Y, P, thresholds, COSTS)
    by_hand = [expected_cost(confusion_counts(Y, flag(P, t)), COSTS) for t in thresholds]
    assert curve == pytest.approx(by_hand)
    assert curve[0] == pytest.approx(0.7) and curve[-1] == pytest.approx(1.5)
    assert flag_rate_curve(P, thresholds).tolist() == pytest.approx([1.0, 0.6, 0.4, 0.2, 0.0])


def test_cost_minimising_threshold_of_calibrated_scores_is_the_bayes_threshold() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(size=200_000)
    y = (rng.uniform(size=p.size) < p).astype(int)  # calibrated by construction
    grid = np.linspace(0, 1, 101)
    best = grid[np.argmin(cost_curve(y, p, grid, COSTS))]
    assert best == pytest.approx(bayes_threshold(COSTS), abs=0.03)


def test_edge_cases_found_by_mutation_testing() -> None:
    flagged = flag([0.2, 0.3], 0.25)
    assert flagged.dtype == np.int64 and flagged.tolist() == [0, 1]
    with pytest.raises(ValueError, match="positive"):
        Costs(1.0, 0.0)
    with pytest.raises(ValueError, match="positive"):
        Costs(-1.0, 5.0)
    one = trivial_policy_costs(pd.DataFrame({"x": [0]}), np.array([1]), COSTS)
    assert one == {"flag_all": 0.0, "flag_none": 5.0}
    with pytest.raises(ValueError, match="zero decisions"):
        trivial_policy_costs(pd.DataFrame({"x": []}), np.array([], dtype=int), COSTS)
    # the cheaper policy wins whichever its name
    assert best_trivial_policy({"flag_all": 0.9, "flag_none": 0.3}) == "flag_none"
    assert best_trivial_policy({"flag_all": 0.3, "flag_none": 0.9}) == "flag_all"


def test_cost_curve_weighs_each_error_by_its_own_cost() -> None:
    costs = Costs(false_positive=2.0, false_negative=5.0)
    # at 0.3: 2 false positives, 1 false negative -> (2 * 2 + 1 * 5) / 10
    assert cost_curve(Y, P, [0.3], costs)[0] == pytest.approx(0.9)
    assert cost_curve([1], [0.9], [0.5, 0.95], costs).tolist() == [0.0, 5.0]
    with pytest.raises(ValueError, match="at least one decision"):
        cost_curve([], [], [0.5], costs)


def test_expected_cost_weighs_each_error_by_its_own_cost() -> None:
    # 2 false positives at 3 each and 1 false negative at 7, over 10 decisions: 13 / 10.
    counts = Counts(tp=1, fp=2, tn=6, fn=1)
    assert expected_cost(counts, Costs(3.0, 7.0)) == pytest.approx(1.3)
