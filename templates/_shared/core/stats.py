"""Intervals for every number a portfoliokit project reports, under one bootstrap setting.

Shared by every portfoliokit project. What is used where, and why:

- a rate (count / denominator, e.g. false positives / negatives): Wilson's score
  interval from statsmodels (`rate`), sensible at 0/n and n/n, where a percentile
  bootstrap collapses to [0, 0] or [1, 1];
- a signed difference of two rates from disjoint rows (a group against a reference):
  Newcombe's hybrid score interval from statsmodels (`rate_difference`);
- a mean of per-row or per-user values (cost per decision, a ranking metric per user):
  `scipy.stats.bootstrap` (`mean`), and a paired difference of two such means over the
  same rows (`mean_difference`);
- any other statistic, including one that is undefined in some resamples (a group mean
  when the group is absent from a resample, a ROC-AUC when a resample lacks a class):
  `bootstrap`, which resamples with the same setting, counts the undefined resamples and
  reports that count in the interval instead of dropping them silently (scipy's
  bootstrap would turn one undefined resample into an undefined interval).

Every bootstrap interval takes its resamples, seed, method and confidence from one
`Bootstrap` object, read once from the project's config and stated once in its reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import stats as _scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
# A statistic for `bootstrap`: resampled row positions (resamples x rows) in, one value
# per resample out, NaN where the statistic is undefined for that resample.
Statistic = Callable[[IndexArray], FloatArray]

# Floating-point slack allowed when checking low <= estimate <= high.
_SLACK = 1e-9


class Bootstrap(BaseModel):
    """The one bootstrap setting of a project: every bootstrap interval uses it.

    `resamples` is the number of resamples (at least 100), `seed` seeds NumPy's
    generator afresh for each interval (so intervals do not depend on the order in which
    they are computed), `method` is "percentile" or "basic", `confidence` the coverage
    in (0, 1). Rates and rate differences use closed-form intervals at the same
    `confidence`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    resamples: int = Field(default=2000, ge=100)
    seed: int = 42
    method: Literal["percentile", "basic"] = "percentile"
    confidence: float = Field(default=0.95, gt=0, lt=1)

    def rng(self) -> np.random.Generator:
        """A fresh generator from `seed`: the same resamples for every call."""
        return np.random.default_rng(self.seed)

    def describe(self) -> str:
        """One sentence stating the setting, for reports, e.g. '2,000 resamples ...'."""
        return (
            f"{self.resamples:,} bootstrap resamples (seed {self.seed}, {self.method} "
            f"intervals) at {self.confidence * 100:g} % confidence"
        )


class Interval(BaseModel):
    """An estimate with its interval; for rates also the count and the denominator.

    The constructor guarantees `low <= estimate <= high` (a ValueError, pydantic's
    ValidationError, otherwise).
    An undefined estimate (e.g. a false positive rate of a group without negatives, a
    denominator of 0) has `estimate`, `low` and `high` all None. `undefined_resamples`
    counts the bootstrap resamples in which the statistic could not be computed (None
    for closed-form intervals); they are left out of the bounds and reported here.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    estimate: float | None
    low: float | None
    high: float | None
    method: str
    count: int | None = None
    denominator: int | None = None
    undefined_resamples: int | None = None

    @model_validator(mode="after")
    def _encloses_its_estimate(self) -> Interval:
        values = (self.estimate, self.low, self.high)
        if all(v is None for v in values):
            return self
        if any(v is None or not math.isfinite(v) for v in values):
            raise ValueError(f"an interval needs a finite estimate and bounds, got {values}")
        assert self.estimate is not None and self.low is not None and self.high is not None
        if not self.low - _SLACK <= self.estimate <= self.high + _SLACK:
            raise ValueError(
                f"interval [{self.low}, {self.high}] does not contain its estimate "
                f"{self.estimate} ({self.method})"
            )
        return self

    @property
    def defined(self) -> bool:
        return self.estimate is not None

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        return self.low, self.high

    def excludes_zero(self) -> bool:
        """True when the whole interval lies above or below 0 (undefined: False)."""
        if self.low is None or self.high is None:
            return False
        return self.low > 0 or self.high < 0

    def scaled(self, factor: float) -> Interval:
        """The interval in other units (e.g. per 1,000 decisions); factor must be > 0."""
        if factor <= 0:
            raise ValueError("scale an interval by a positive factor only")
        return self._with(lambda v: v * factor)

    def rounded(self, digits: int) -> Interval:
        """Rounded for a stable JSON; rounding keeps low <= estimate <= high."""
        return self._with(lambda v: round(v, digits))

    def _with(self, change: Callable[[float], float]) -> Interval:
        """A new, validated interval with `change` applied to estimate and bounds."""
        if not self.defined:
            return self
        values = self.model_dump()
        for key in ("estimate", "low", "high"):
            values[key] = change(values[key])
        return Interval.model_validate(values)


def undefined(method: str, count: int | None = None, denominator: int | None = None) -> Interval:
    """The interval of a statistic that cannot be computed (e.g. a rate over 0 cases)."""
    return Interval(
        estimate=None, low=None, high=None, method=method, count=count, denominator=denominator
    )


def rate(count: int, denominator: int, confidence: float = 0.95) -> Interval:
    """`count / denominator` with Wilson's score interval; undefined when denominator is 0.

    Range [0, 1]. At 0/n the interval is [0, u] with u > 0, at n/n it is [l, 1]:
    e.g. `rate(0, 1)` is 0 in about [0, 0.79], not the [0, 0] a bootstrap would give.
    """
    _check_counts(count, denominator)
    if denominator == 0:
        return undefined("wilson", count, denominator)
    low, high = proportion_confint(count, denominator, alpha=1 - confidence, method="wilson")
    estimate = count / denominator
    return Interval(
        estimate=estimate,
        # exact at the edges, where the score interval touches 0 or 1
        low=0.0 if count == 0 else max(float(low), 0.0),
        high=1.0 if count == denominator else min(float(high), 1.0),
        method="wilson",
        count=count,
        denominator=denominator,
    )


def rate_difference(
    count: int,
    denominator: int,
    reference_count: int,
    reference_denominator: int,
    confidence: float = 0.95,
) -> Interval:
    """Signed difference `count/denominator - reference_count/reference_denominator`.

    Newcombe's hybrid score interval for two independent proportions (rows of two
    disjoint groups). Range [-1, 1]; positive means the group's rate is higher than the
    reference's. Undefined when either denominator is 0. `count` and `denominator` of
    the result are the group's (the reference's are the caller's to report).
    """
    _check_counts(count, denominator)
    _check_counts(reference_count, reference_denominator)
    if denominator == 0 or reference_denominator == 0:
        return undefined("newcombe", count, denominator)
    estimate = count / denominator - reference_count / reference_denominator
    low, high = confint_proportions_2indep(
        count,
        denominator,
        reference_count,
        reference_denominator,
        method="newcomb",
        compare="diff",
        alpha=1 - confidence,
    )
    return Interval(
        estimate=estimate,
        low=float(low),
        high=float(high),
        method="newcombe",
        count=count,
        denominator=denominator,
    )


def mean(values: npt.ArrayLike, setting: Bootstrap) -> Interval:
    """Mean of per-row (or per-user) values with a bootstrap interval over the rows.

    Units are those of `values`. Uses `scipy.stats.bootstrap` with `setting`. A single
    row, or rows that are all equal, give a zero-width interval at the mean. No rows:
    undefined.
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return undefined(f"bootstrap-{setting.method}", denominator=0)
    estimate = float(v.mean())
    if v.size == 1 or np.all(v == v[0]):
        return _boot_interval(estimate, estimate, estimate, setting, int(v.size), 0)
    return _scipy_interval((v,), np.mean, estimate, setting)


def mean_difference(
    values: npt.ArrayLike, reference_values: npt.ArrayLike, setting: Bootstrap
) -> Interval:
    """Signed paired difference `mean(values) - mean(reference_values)` over the same rows.

    Row i of both arrays is the same case under two policies (e.g. the model's cost and
    a baseline's); resampling rows keeps the pairs together, so the interval reflects
    the correlation between the two. Positive means `values` is larger on average.
    """
    a = np.asarray(values, dtype=float)
    b = np.asarray(reference_values, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired values need the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return undefined(f"bootstrap-{setting.method}", denominator=0)
    estimate = float(a.mean() - b.mean())
    if a.size == 1 or np.all(a - b == (a - b)[0]):
        return _boot_interval(estimate, estimate, estimate, setting, int(a.size), 0)
    return _scipy_interval((a, b), _difference_of_means, estimate, setting)


def resample_indices(n_rows: int, setting: Bootstrap) -> IndexArray:
    """`setting.resamples` resamples of `n_rows` row positions, drawn with replacement."""
    if n_rows < 1:
        raise ValueError("a bootstrap needs at least one row")
    return setting.rng().integers(0, n_rows, size=(setting.resamples, n_rows), dtype=np.int64)


def bootstrap(statistic: Statistic, n_rows: int, setting: Bootstrap) -> Interval:
    """Any statistic of the rows with a bootstrap interval, counting undefined resamples.

    `statistic` receives row positions of shape (k, n_rows) and returns k values, NaN
    where the statistic is undefined for a resample; it is called once on the original
    rows (k = 1) for the estimate and once on all resamples. Undefined resamples are
    left out of the bounds and counted in `undefined_resamples`; if the estimate itself
    is undefined, or every resample is, the interval is undefined.
    """
    original = np.arange(n_rows, dtype=np.int64)[None, :]
    estimate = float(np.asarray(statistic(original), dtype=float)[0])
    if not math.isfinite(estimate):
        return undefined(f"bootstrap-{setting.method}", denominator=n_rows)
    values = np.asarray(statistic(resample_indices(n_rows, setting)), dtype=float)
    defined = values[np.isfinite(values)]
    missing = int(values.size - defined.size)
    if defined.size == 0:
        return undefined(f"bootstrap-{setting.method}", denominator=n_rows)
    alpha = (1 - setting.confidence) / 2
    q_low, q_high = np.quantile(defined, [alpha, 1 - alpha])
    if setting.method == "basic":
        q_low, q_high = 2 * estimate - q_high, 2 * estimate - q_low
    return _boot_interval(estimate, q_low, q_high, setting, n_rows, missing)


def group_mean_difference(
    values: npt.ArrayLike,
    in_group: npt.ArrayLike,
    in_reference: npt.ArrayLike,
    setting: Bootstrap,
) -> Interval:
    """Signed `mean(values[group]) - mean(values[reference])` with a paired bootstrap.

    Whole rows are resampled (as the test set would be drawn again), so group sizes
    vary between resamples; a resample in which the group or the reference has no row
    is counted in `undefined_resamples`, not dropped silently. `denominator` is the
    group's row count. Units are those of `values` (e.g. cost per decision).
    """
    v = np.asarray(values, dtype=float)
    g = np.asarray(in_group, dtype=bool)
    r = np.asarray(in_reference, dtype=bool)
    if not v.shape == g.shape == r.shape:
        raise ValueError("values and both masks need the same length")

    def difference(idx: IndexArray) -> FloatArray:
        gm, rm, vv = g[idx], r[idx], v[idx]
        n_g, n_r = gm.sum(axis=1), rm.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = (vv * gm).sum(axis=1) / n_g - (vv * rm).sum(axis=1) / n_r
        return np.where((n_g > 0) & (n_r > 0), diff, np.nan)

    result = bootstrap(difference, int(v.size), setting)
    return result.model_copy(update={"denominator": int(g.sum())})


def _difference_of_means(x: FloatArray, y: FloatArray, axis: int) -> FloatArray:
    result: FloatArray = np.mean(x, axis=axis) - np.mean(y, axis=axis)
    return result


def _scipy_interval(
    data: tuple[FloatArray, ...],
    statistic: Callable[..., Any],
    estimate: float,
    setting: Bootstrap,
) -> Interval:
    """`scipy.stats.bootstrap` under `setting`; several arrays are resampled as pairs."""
    result = _scipy_stats.bootstrap(
        data,
        statistic,
        paired=len(data) > 1,
        vectorized=True,
        axis=-1,
        n_resamples=setting.resamples,
        confidence_level=setting.confidence,
        method=setting.method,
        rng=setting.rng(),
    )
    ci = result.confidence_interval
    return _boot_interval(estimate, ci.low, ci.high, setting, int(data[0].size), 0)


def _boot_interval(
    estimate: float, low: float, high: float, setting: Bootstrap, n: int, missing: int
) -> Interval:
    return Interval(
        estimate=estimate,
        low=float(low),
        high=float(high),
        method=f"bootstrap-{setting.method}",
        denominator=n,
        undefined_resamples=missing,
    )


def _check_counts(count: int, denominator: int) -> None:
    if not 0 <= count <= denominator:
        raise ValueError(f"a rate needs 0 <= count <= denominator, got {count} of {denominator}")
