"""Bootstrap intervals, vectorised: every statistic here is a mean of per-row values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a percentile bootstrap interval."""

    value: float
    low: float
    high: float

    def scaled(self, factor: float) -> Estimate:
        return Estimate(self.value * factor, self.low * factor, self.high * factor)

    def as_dict(self, digits: int = 6) -> dict[str, float]:
        return {
            "value": round(self.value, digits),
            "ci_low": round(self.low, digits),
            "ci_high": round(self.high, digits),
        }


def bootstrap_indices(n: int, n_boot: int, seed: int) -> npt.NDArray[np.int64]:
    """`n_boot` resamples of `n` row positions, drawn with replacement."""
    if n < 1 or n_boot < 1:
        raise ValueError("bootstrap needs at least one row and one resample")
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_boot, n), dtype=np.int64)


def bootstrap_mean(
    values: npt.ArrayLike, indices: npt.NDArray[np.int64], confidence: float = 0.95
) -> Estimate:
    """Mean of `values` with a percentile interval over the given resamples.

    Sharing one set of `indices` across statistics makes their intervals paired, so the
    interval of a difference (e.g. a saving against a baseline) is computed correctly by
    passing the per-row differences.
    """
    v = np.asarray(values, dtype=float)
    means = v[indices].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return Estimate(float(v.mean()), float(low), float(high))


def cv_interval(scores: npt.ArrayLike, confidence: float = 0.95) -> Estimate:
    """Mean of cross-validation fold scores with a t interval across folds.

    Folds share training rows, so this interval is somewhat too narrow; it serves to
    compare candidates evaluated on the same folds, not as a final uncertainty.
    """
    from scipy import stats

    s = np.asarray(scores, dtype=float)
    if s.size < 2:
        raise ValueError("a cross-validation interval needs at least two folds")
    half = float(stats.t.ppf(0.5 + confidence / 2, df=s.size - 1) * s.std(ddof=1) / np.sqrt(s.size))
    mean = float(s.mean())
    return Estimate(mean, mean - half, mean + half)


def calibration_bins(
    y: npt.ArrayLike, p: npt.ArrayLike, n_bins: int = 10
) -> list[dict[str, float]]:
    """Observed positive rate against mean predicted probability, in equal-count bins."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    bins = []
    for chunk in np.array_split(order, n_bins):
        if chunk.size:
            bins.append(
                {
                    "mean_predicted": round(float(np.mean(p[chunk])), 4),
                    "observed_rate": round(float(np.mean(y[chunk])), 4),
                    "n": int(chunk.size),
                }
            )
    return bins
