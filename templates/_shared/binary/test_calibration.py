"""Calibration measured and fixed (binary/calibration.py): known answers."""

import numpy as np
import pytest

from {{ package_name }}.binary.calibration import (
    Sigmoid,
    calibration_error,
    cross_validated_calibration,
    fit_sigmoid,
    measure,
    reliability,
)
from {{ package_name }}.binary.threshold import HeldOut
from {{ package_name }}.core.stats import rate


def test_reliability_bins_carry_counts_and_wilson_rates() -> None:
    bins = reliability([0, 1, 0, 1], [0.1, 0.2, 0.8, 0.9], n_bins=2)
    assert [b.n for b in bins] == [2, 2]
    assert [b.mean_score for b in bins] == pytest.approx([0.15, 0.85])
    assert [b.observed.estimate for b in bins] == [0.5, 0.5]
    assert bins[0].observed.denominator == 2
    # |0.5 - 0.15| and |0.5 - 0.85|, each weighted by 2 of 4 rows
    assert calibration_error(bins) == pytest.approx(0.35)


def test_measure_by_hand() -> None:
    result = measure([0, 1], [0.2, 0.6], n_bins=2)
    assert result.brier == pytest.approx((0.2**2 + 0.4**2) / 2)
    assert result.calibration_error == pytest.approx((0.2 + 0.4) / 2)
    assert (result.mean_score, result.positive_rate) == pytest.approx((0.4, 0.5))


def test_sigmoid_of_calibrated_scores_is_the_identity() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.02, 0.98, size=50_000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    fitted = fit_sigmoid(y, p)
    assert fitted.slope == pytest.approx(1.0, abs=0.05)
    assert fitted.intercept == pytest.approx(0.0, abs=0.05)


def test_sigmoid_fixes_overconfident_scores_and_keeps_decisions() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, size=20_000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    logit = np.log(p / (1 - p))
    overconfident = 1 / (1 + np.exp(-3 * logit))
    fitted = fit_sigmoid(y, overconfident)
    assert measure(y, fitted.apply(overconfident)).calibration_error < 0.02
    assert measure(y, overconfident).calibration_error > 0.1
    t = 0.3
    same = (overconfident >= t) == (fitted.apply(overconfident) >= fitted.apply(np.array([t]))[0])
    assert same.all()


def test_cross_validated_calibration_fits_on_the_other_folds_only() -> None:
    rng = np.random.default_rng(2)
    p = rng.uniform(0.05, 0.95, size=600)
    y = (rng.uniform(size=p.size) < p).astype(np.int64)
    rows = np.arange(600)
    folds = [HeldOut(0, r, y[r], p[r]) for r in np.array_split(rows, 3)]
    out = cross_validated_calibration(folds)
    others = np.concatenate([folds[1].rows, folds[2].rows])
    expected = fit_sigmoid(y[others], p[others]).apply(p[folds[0].rows])
    assert out[0].scores == pytest.approx(expected)
    assert isinstance(Sigmoid(1.0, 0.0).apply([0.3])[0], float)


def test_calibrated_folds_keep_their_rows_labels_and_repeat() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, size=300)
    y = (rng.uniform(size=p.size) < p).astype(np.int64)
    folds = [
        HeldOut(r, rows, y[rows], p[rows])
        for r in (0, 1)
        for rows in np.array_split(rng.permutation(300), 3)
    ]
    for before, after in zip(folds, cross_validated_calibration(folds), strict=True):
        assert after.repeat == before.repeat
        assert after.rows.tolist() == before.rows.tolist()
        assert after.y.tolist() == before.y.tolist()
    single = reliability([1], [0.7])
    assert [(b.n, b.observed.estimate) for b in single] == [(1, 1.0)]
    assert len(reliability(y, p)) == 10  # ten bins by default


def test_the_sigmoid_by_hand_and_at_the_ends_of_the_scale() -> None:
    # slope 2, intercept 1 at score 0.5 (logit 0): 1 / (1 + e^-1)
    assert Sigmoid(2.0, 1.0).apply([0.5])[0] == pytest.approx(1 / (1 + np.exp(-1)))
    # at 0.8 (logit ln 4): 1 / (1 + e^-(2 ln 4 - 1)) = 16 / (16 + e)
    assert Sigmoid(2.0, -1.0).apply([0.8])[0] == pytest.approx(16 / (16 + np.e))
    # scores of exactly 0 and 1 are clipped, so the sigmoid stays finite and inside (0, 1)
    ends = Sigmoid(1.0, 0.0).apply([0.0, 1.0])
    assert np.all(np.isfinite(ends)) and 0 < ends[0] < 1e-5 and 1 - 1e-5 < ends[1] < 1
    fitted = fit_sigmoid([0, 0, 1, 1, 0, 1], [0.0, 0.2, 0.9, 1.0, 0.6, 0.4])
    assert np.isfinite(fitted.slope) and np.isfinite(fitted.intercept)


def test_measure_uses_ten_bins_and_the_given_confidence() -> None:
    rng = np.random.default_rng(2)
    y, scores = (rng.uniform(size=100) < 0.4).astype(int), rng.uniform(size=100)
    assert len(measure(y, scores).bins) == 10
    narrow = measure(y, scores, confidence=0.5)
    for b in narrow.bins:
        expected = rate(b.observed.count, b.n, 0.5)  # type: ignore[arg-type]
        assert b.observed.bounds == pytest.approx(expected.bounds)


def test_tied_scores_are_binned_in_row_order() -> None:
    # 1,000 rows with one score and alternating labels: in row order each bin of 100
    # holds 50 positives; any other order of the ties would give other counts.
    y = np.tile([1, 0], 500)
    bins = reliability(y, np.full(1000, 0.5), n_bins=10)
    assert [b.observed.count for b in bins] == [50] * 10


def test_one_row_has_a_calibration_error() -> None:
    bins = reliability([1], [0.75])
    assert len(bins) == 1 and calibration_error(bins) == pytest.approx(0.25)
