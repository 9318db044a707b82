"""Known answers and invariants of the shared interval code (core/stats.py)."""

import itertools

import numpy as np
import pytest

from {{ package_name }}.core.stats import (
    Bootstrap,
    Interval,
    bootstrap,
    fold_mean,
    group_mean_difference,
    mean,
    mean_difference,
    means,
    rate,
    rate_difference,
    resample_indices,
)

SETTING = Bootstrap(resamples=400, seed=3)
Z2 = 1.959963984540054**2


def test_wilson_interval_by_hand() -> None:
    # 3 of 10: centre (0.3 + z²/20) / (1 + z²/10), half-width z sqrt(0.021 + z²/400) / (1 + z²/10)
    r = rate(3, 10)
    centre = (0.3 + Z2 / 20) / (1 + Z2 / 10)
    half = np.sqrt(Z2) * np.sqrt(0.3 * 0.7 / 10 + Z2 / 400) / (1 + Z2 / 10)
    assert (r.estimate, r.count, r.denominator) == (0.3, 3, 10)
    assert r.low == pytest.approx(centre - half) == pytest.approx(0.10779, abs=1e-5)
    assert r.high == pytest.approx(centre + half) == pytest.approx(0.60322, abs=1e-5)


def test_rates_are_sensible_at_none_and_all() -> None:
    none, every = rate(0, 10), rate(10, 10)
    assert (none.estimate, none.low) == (0.0, 0.0)
    assert none.high == pytest.approx(Z2 / (10 + Z2))  # about 0.278, not 0
    assert (every.estimate, every.high) == (1.0, 1.0)
    assert every.low == pytest.approx(10 / (10 + Z2))
    one = rate(0, 1)
    assert one.high is not None and one.high > 0.7  # 0 of 1 says almost nothing
    assert not rate(0, 0).defined and rate(0, 0).denominator == 0


def test_newcombe_difference_matches_the_published_example() -> None:
    # Newcombe (1998), example (a): 56/70 against 48/80, method 10: 0.0524 to 0.3339.
    d = rate_difference(56, 70, 48, 80)
    assert d.estimate == pytest.approx(0.2)
    assert d.low == pytest.approx(0.0524, abs=5e-4)
    assert d.high == pytest.approx(0.3339, abs=5e-4)
    assert (d.count, d.denominator) == (56, 70)


def test_a_signed_difference_changes_sign_with_its_order() -> None:
    ab, ba = rate_difference(2, 20, 9, 30), rate_difference(9, 30, 2, 20)
    assert ab.estimate == pytest.approx(-(ba.estimate or 0))
    assert ab.low == pytest.approx(-(ba.high or 0)) and ab.high == pytest.approx(-(ba.low or 0))


def test_difference_of_two_empty_rates_is_centred_on_zero() -> None:
    d = rate_difference(0, 10, 0, 10)
    assert d.estimate == 0.0
    assert d.low == pytest.approx(-Z2 / (10 + Z2)) and d.high == pytest.approx(Z2 / (10 + Z2))
    assert not rate_difference(1, 2, 0, 0).defined


def test_every_rate_and_difference_contains_its_estimate() -> None:
    small = (0, 1, 2, 5, 13, 40)
    for count, extra, ref_count, ref_extra in itertools.product(small, repeat=4):
        for interval in (
            rate(count, count + extra),
            rate_difference(count, count + extra, ref_count, ref_count + ref_extra),
        ):
            if interval.defined:
                assert interval.low is not None and interval.high is not None
                assert interval.low <= (interval.estimate or 0) + 1e-12
                assert (interval.estimate or 0) <= interval.high + 1e-12


def test_the_constructor_refuses_an_interval_that_excludes_its_estimate() -> None:
    with pytest.raises(ValueError, match="does not contain"):
        Interval(estimate=0.5, low=0.6, high=0.9, method="test")
    with pytest.raises(ValueError, match="finite"):
        Interval(estimate=0.5, low=None, high=0.9, method="test")
    assert not Interval(estimate=None, low=None, high=None, method="test").defined


def test_scaling_and_rounding_keep_the_order() -> None:
    r = rate(7, 30).scaled(1000).rounded(1)
    assert r.low is not None and r.high is not None and r.estimate is not None
    assert r.low <= r.estimate <= r.high
    assert r.estimate == pytest.approx(233.3)
    with pytest.raises(ValueError, match="positive"):
        rate(1, 2).scaled(-1)


def test_bootstrap_mean_of_constants_is_a_point_and_of_noise_contains_the_mean() -> None:
    constant = mean(np.full(50, 2.0), SETTING)
    assert (constant.estimate, constant.low, constant.high) == (2.0, 2.0, 2.0)
    values = np.random.default_rng(2).normal(size=80)
    spread = mean(values, SETTING)
    assert spread.low is not None and spread.high is not None
    assert spread.low < values.mean() < spread.high
    assert spread.denominator == 80 and spread.undefined_resamples == 0
    assert spread.method == "bootstrap-percentile"
    assert not mean([], SETTING).defined


def test_one_setting_gives_the_same_interval_every_time() -> None:
    values = np.random.default_rng(5).exponential(size=60)
    assert mean(values, SETTING) == mean(values, SETTING)
    other = mean(values, Bootstrap(resamples=400, seed=4))
    assert other != mean(values, SETTING)


def test_paired_difference_of_a_policy_with_itself_is_exactly_zero() -> None:
    values = np.random.default_rng(2).normal(size=50)
    same = mean_difference(values, values, SETTING)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)
    shifted = mean_difference(values + 1.0, values, SETTING)
    assert shifted.estimate == pytest.approx(1.0)
    assert (shifted.low, shifted.high) == pytest.approx((1.0, 1.0))  # paired: no spread


def test_paired_difference_sign_follows_the_order_of_its_arguments() -> None:
    rng = np.random.default_rng(8)
    model, baseline = rng.uniform(0, 1, 100), rng.uniform(0.5, 1.5, 100)
    saving = mean_difference(baseline, model, SETTING)
    assert saving.estimate == pytest.approx(baseline.mean() - model.mean())
    assert saving.estimate is not None and saving.estimate > 0 and saving.excludes_zero()


def test_undefined_resamples_are_counted_not_dropped_silently() -> None:
    y = np.array([1, 0])

    def share_when_both_classes(idx: np.ndarray) -> np.ndarray:
        both = (y[idx] == 1).any(axis=1) & (y[idx] == 0).any(axis=1)
        return np.where(both, y[idx].mean(axis=1), np.nan)

    result = bootstrap(share_when_both_classes, 2, SETTING)
    idx = resample_indices(2, SETTING)
    one_class = int(np.sum(idx[:, 0] == idx[:, 1]))
    assert result.undefined_resamples == one_class > 0
    assert (result.estimate, result.low, result.high) == (0.5, 0.5, 0.5)


def test_group_difference_by_hand_and_missing_groups_counted() -> None:
    values = np.array([1.0, 3.0, 0.0, 0.0, 2.0, 0.0])
    group = np.array([True, True, False, False, False, False])
    reference = ~group
    d = group_mean_difference(values, group, reference, SETTING)
    assert d.estimate == pytest.approx(2.0 - 0.5)
    assert d.denominator == 2
    idx = resample_indices(6, SETTING)
    lacking = int(np.sum(~group[idx].any(axis=1) | ~reference[idx].any(axis=1)))
    assert d.undefined_resamples == lacking > 0


def test_basic_method_is_used_when_configured() -> None:
    values = np.random.default_rng(1).exponential(size=40)
    basic = mean(values, Bootstrap(resamples=400, seed=3, method="basic"))
    assert basic.method == "bootstrap-basic"
    assert basic != mean(values, SETTING)


def test_the_setting_is_stated_in_one_sentence() -> None:
    assert Bootstrap().describe() == (
        "2,000 bootstrap resamples (seed 42, percentile intervals) at 95 % confidence"
    )
    with pytest.raises(ValueError):
        Bootstrap(resamples=10)


def test_many_means_at_once_equal_bootstrap_of_each_mean_and_stay_paired() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.random(300), rng.random(300) ** 2
    batch = means({"a": a, "b": b, "a - b": a - b, "constant": np.full(300, 0.5)}, SETTING)
    for name, values in (("a", a), ("b", b), ("a - b", a - b)):
        one = bootstrap(lambda idx, v=values: v[idx].mean(axis=1), 300, SETTING)
        assert batch[name].estimate == pytest.approx(one.estimate)
        assert (batch[name].low, batch[name].high) == pytest.approx((one.low, one.high))
    assert batch["constant"].bounds == (0.5, 0.5)
    with pytest.raises(ValueError, match="finite"):
        means({"x": np.array([1.0, np.nan])}, SETTING)
    with pytest.raises(ValueError, match="same rows"):
        means({"x": np.ones(3), "y": np.ones(4)}, SETTING)


def test_excludes_zero_and_scaling_edge_cases() -> None:
    def iv(low: float, high: float) -> Interval:
        return Interval(estimate=(low + high) / 2, low=low, high=high, method="test")

    assert iv(0.1, 0.5).excludes_zero() and iv(-0.5, -0.1).excludes_zero()
    assert not iv(0.0, 0.5).excludes_zero() and not iv(-0.5, 0.0).excludes_zero()
    assert not iv(-0.5, 0.5).excludes_zero()
    assert not rate(0, 0).excludes_zero()
    assert iv(1.0, 3.0).scaled(0.5) == iv(0.5, 1.5)
    with pytest.raises(ValueError, match="positive"):
        iv(1.0, 3.0).scaled(0.0)
    with pytest.raises(ValueError, match="same shape"):
        mean_difference([1.0, 2.0], [1.0], SETTING)
    assert not mean_difference([], [], SETTING).defined


def test_fold_mean_is_a_t_interval_over_the_folds() -> None:
    scores = [1.0, 2.0, 3.0, 4.0, 5.0]
    r = fold_mean(scores)
    half = 2.7764451051977987 * np.std(scores, ddof=1) / np.sqrt(5)  # t(0.975, df=4)
    assert (r.estimate, r.denominator, r.method) == (3.0, 5, "t-over-folds")
    assert (r.low, r.high) == (pytest.approx(3 - half), pytest.approx(3 + half))
    with pytest.raises(ValueError):
        fold_mean([1.0])


def test_intervals_take_the_confidence_they_are_given() -> None:
    # Wilson at 80 %: z = 1.2816; 3 of 10
    z2 = 1.2815515655446004**2
    centre = (0.3 + z2 / 20) / (1 + z2 / 10)
    half = np.sqrt(z2) * np.sqrt(0.3 * 0.7 / 10 + z2 / 400) / (1 + z2 / 10)
    assert rate(3, 10, 0.8).bounds == pytest.approx((centre - half, centre + half))
    # 1 of 10 at 95 %: Wilson's lower bound is above 0
    low = ((0.1 + Z2 / 20) - np.sqrt(Z2) * np.sqrt(0.009 + Z2 / 400)) / (1 + Z2 / 10)
    assert rate(1, 10).low == pytest.approx(low) and low > 0.017
    wide, narrow = rate_difference(3, 10, 5, 10), rate_difference(3, 10, 5, 10, 0.8)
    assert wide.low < narrow.low < narrow.high < wide.high  # type: ignore[operator]


def test_methods_and_denominators_are_named_even_when_undefined() -> None:
    assert rate(1, 2).method == rate(0, 0).method == "wilson"
    assert rate_difference(1, 2, 1, 3).method == "newcombe"
    empty = rate_difference(1, 3, 0, 0)
    assert (empty.method, empty.count, empty.denominator, empty.defined) == (
        "newcombe", 1, 3, False,
    )  # fmt: skip
    empties = (mean([], SETTING), mean_difference([], [], SETTING), means({"a": []}, SETTING)["a"])
    for none in empties:
        assert (none.method, none.denominator, none.defined) == ("bootstrap-percentile", 0, False)


def test_short_samples_get_a_real_bootstrap_interval() -> None:
    """A point interval is right only for one row or identical rows, never for two rows
    that differ; and it still reports its row count and no undefined resamples."""
    for interval in (mean([1.0, 3.0], SETTING), mean_difference([1.0, 3.0], [0.0, 0.0], SETTING)):
        assert interval.low < interval.estimate < interval.high  # type: ignore[operator]
    spread = mean_difference([1.0, 2.0, 4.0, 8.0], [0.0, 0.0, 1.0, 0.0], SETTING)
    assert spread.low < spread.estimate < spread.high  # type: ignore[operator]
    points = ((mean([5.0], SETTING), 1), (mean_difference([2.0, 3.0], [1.0, 2.0], SETTING), 2))
    for point, n in points:
        assert (point.low, point.high, point.denominator, point.undefined_resamples) == (
            point.estimate, point.estimate, n, 0,
        )  # fmt: skip


def test_mean_is_scipys_bootstrap_under_the_setting() -> None:
    from scipy import stats as scipy_stats

    values = np.random.default_rng(8).exponential(size=30)
    for setting in (Bootstrap(resamples=150, seed=4, confidence=0.8, method="basic"), SETTING):
        got = mean(values, setting)
        ref = scipy_stats.bootstrap(
            (values,), np.mean, n_resamples=setting.resamples, method=setting.method,
            confidence_level=setting.confidence, rng=np.random.default_rng(setting.seed),
            vectorized=True, axis=-1,
        ).confidence_interval  # fmt: skip
        assert got.bounds == pytest.approx((ref.low, ref.high))
        assert (got.denominator, got.undefined_resamples) == (30, 0)


def test_basic_intervals_are_the_percentile_ones_reflected_about_the_estimate() -> None:
    values = np.random.default_rng(1).exponential(size=40)
    basic = Bootstrap(resamples=400, seed=3, method="basic")

    def statistic(idx: np.ndarray) -> np.ndarray:
        return values[idx].mean(axis=1)

    for percentile_interval, basic_interval in (
        (bootstrap(statistic, 40, SETTING), bootstrap(statistic, 40, basic)),
        (means({"v": values}, SETTING)["v"], means({"v": values}, basic)["v"]),
    ):
        est = percentile_interval.estimate
        assert basic_interval.estimate == est
        assert basic_interval.bounds == pytest.approx(
            (2 * est - percentile_interval.high, 2 * est - percentile_interval.low)  # type: ignore[operator]
        )
        assert (basic_interval.denominator, basic_interval.undefined_resamples) == (40, 0)


def test_a_statistic_undefined_on_the_rows_or_on_every_resample_is_undefined() -> None:
    def never(idx: np.ndarray) -> np.ndarray:
        return np.full(idx.shape[0], np.nan)

    def only_on_the_rows(idx: np.ndarray) -> np.ndarray:
        return np.where(idx.shape[0] == 1, 1.0, np.nan) * np.ones(idx.shape[0])

    for statistic in (never, only_on_the_rows):
        result = bootstrap(statistic, 5, SETTING)
        assert (result.defined, result.method, result.denominator) == (
            False, "bootstrap-percentile", 5,
        )  # fmt: skip


def test_one_row_and_two_folds_are_enough() -> None:
    assert resample_indices(1, SETTING).shape == (SETTING.resamples, 1)
    one = bootstrap(lambda idx: idx.sum(axis=1).astype(float), 1, SETTING)
    assert (one.estimate, one.low, one.high) == (0.0, 0.0, 0.0)
    single = means({"a": [2.5]}, SETTING)["a"]
    assert (single.estimate, single.low, single.high, single.denominator) == (2.5, 2.5, 2.5, 1)
    assert fold_mean([1.0, 2.0]).denominator == 2
