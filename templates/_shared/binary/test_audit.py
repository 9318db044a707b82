"""Subgroup audit (binary/audit.py): denominators, signed gaps, agreement with fairlearn."""

import numpy as np
import pytest
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
)

from {{ package_name }}.binary.audit import audit_column
from {{ package_name }}.binary.costs import Costs
from {{ package_name }}.core.stats import Bootstrap, rate, rate_difference

COSTS = Costs(1.0, 5.0)
SETTING = Bootstrap(resamples=300, seed=1)


def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    groups = np.array(["big"] * 120 + ["small"] * 40)
    y = (rng.uniform(size=160) < 0.3).astype(int)
    flagged = (rng.uniform(size=160) < np.where(groups == "small", 0.7, 0.4)).astype(int)
    return groups, y, flagged


def test_rates_agree_with_fairlearn_and_carry_their_denominators() -> None:
    groups, y, flagged = _table()
    audit = audit_column("g", groups, y, flagged, COSTS, SETTING)
    frame = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "false_positive_rate": false_positive_rate,
            "false_negative_rate": false_negative_rate,
        },
        y_true=y,
        y_pred=flagged,
        sensitive_features=groups,
    )
    for result in audit.groups:
        mask = groups == result.group
        for name in ("selection_rate", "false_positive_rate", "false_negative_rate"):
            assert result.rates[name].estimate == pytest.approx(
                frame.by_group.loc[result.group, name]
            )
        assert result.rates["selection_rate"].denominator == mask.sum()
        assert result.rates["false_positive_rate"].denominator == np.sum(mask & (y == 0))
        assert result.rates["false_negative_rate"].denominator == np.sum(mask & (y == 1))
        assert result.rates["base_rate"].count == np.sum(mask & (y == 1))


def test_gaps_are_signed_against_the_largest_group() -> None:
    groups, y, flagged = _table()
    audit = audit_column("g", groups, y, flagged, COSTS, SETTING)
    assert audit.reference == "big" and audit.groups[0].is_reference
    assert audit.groups[0].rate_gaps is None and audit.groups[0].cost_gap is None
    small, big = audit.group("small"), audit.group("big")
    assert small.rate_gaps is not None and small.cost_gap is not None
    gap = small.rate_gaps["selection_rate"]
    sel_s, sel_b = small.rates["selection_rate"], big.rates["selection_rate"]
    assert gap == rate_difference(
        sel_s.count or 0, sel_s.denominator or 0, sel_b.count or 0, sel_b.denominator or 0
    )
    assert gap.estimate is not None and gap.estimate > 0  # the small group is flagged more
    assert small.cost_gap.estimate == pytest.approx(
        (small.cost.estimate or 0) - (big.cost.estimate or 0)
    )


def test_too_few_is_judged_on_each_rate_denominator() -> None:
    groups = np.array(["a"] * 100 + ["b"] * 40)
    y = np.array([0] * 100 + [1] * 30 + [0] * 10)  # group b: 40 rows, 10 negatives
    flagged = np.zeros(140, dtype=int)
    audit = audit_column("g", groups, y, flagged, COSTS, SETTING, min_denominator=30)
    b = audit.group("b")
    assert "false_positive_rate" in b.too_few  # 10 negatives
    assert "selection_rate" not in b.too_few  # 40 rows
    a = audit.group("a")
    assert (
        a.rates["false_negative_rate"].denominator == 0
        and not a.rates["false_negative_rate"].defined
    )
    assert "false_negative_rate" in a.too_few


def test_every_interval_of_an_audit_contains_its_estimate() -> None:
    groups, y, flagged = _table()
    audit = audit_column("g", groups, y, flagged, COSTS, SETTING)
    for result in audit.groups:
        intervals = [*result.rates.values(), result.cost]
        intervals += [*(result.rate_gaps or {}).values()]
        intervals += [result.cost_gap] if result.cost_gap else []
        for interval in intervals:
            if interval.defined:
                assert interval.low is not None and interval.high is not None
                assert interval.low <= (interval.estimate or 0) <= interval.high


def test_reference_is_the_largest_group_and_costs_are_by_hand() -> None:
    groups = np.array(["zeta"] * 6 + ["alpha"] * 2)
    y = np.array([1, 0, 0, 0, 0, 0, 1, 0])
    flagged = np.array([0, 1, 0, 0, 0, 0, 1, 1])
    audit = audit_column("g", groups, y, flagged, COSTS, SETTING, min_denominator=1)
    assert audit.reference == "zeta"  # the largest, though it sorts last
    zeta, alpha = audit.group("zeta"), audit.group("alpha")
    assert zeta.cost.estimate == pytest.approx((5 + 1) / 6)  # one miss, one false alarm
    assert alpha.cost.estimate == pytest.approx(1 / 2)  # one false alarm
    assert alpha.cost_gap is not None
    assert alpha.cost_gap.estimate == pytest.approx(1 / 2 - 1)
    with pytest.raises(ValueError, match="same length"):
        audit_column("g", groups[:3], y, flagged, COSTS, SETTING)


def test_the_audit_uses_the_settings_confidence_and_its_default_denominator() -> None:
    groups, y, flagged = _table()
    setting = Bootstrap(resamples=300, seed=1, confidence=0.5)
    audit = audit_column("g", groups, y, flagged, COSTS, setting)
    assert audit.min_denominator == 30
    small, big = audit.group("small"), audit.group("big")
    for value in small.rates.values():
        assert value.bounds == rate(value.count, value.denominator, 0.5).bounds  # type: ignore[arg-type]
    assert small.rate_gaps is not None
    gap = small.rate_gaps["selection_rate"]
    ref = big.rates["selection_rate"]
    expected = rate_difference(gap.count, gap.denominator, ref.count, ref.denominator, 0.5)  # type: ignore[arg-type]
    assert gap.bounds == expected.bounds


def test_a_denominator_of_exactly_the_minimum_is_enough() -> None:
    # 30 rows of one group: 10 positives, 20 negatives
    y = np.array([1] * 10 + [0] * 20)
    audit = audit_column("g", ["a"] * 30, y, y, COSTS, SETTING, min_denominator=20)
    assert audit.group("a").too_few == ["false_negative_rate"]  # 10 positives < 20
    assert audit_column("g", ["a"] * 30, y, y, COSTS, SETTING, min_denominator=21).group(
        "a"
    ).too_few == ["false_positive_rate", "false_negative_rate"]
