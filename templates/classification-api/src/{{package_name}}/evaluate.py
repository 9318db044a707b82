"""Stage `evaluate`: score the saved model on the held-out test rows, in business terms.

Everything written here comes from this run and is deterministic for a given data file,
config and seed: `reports/metrics.json` holds no timestamps, durations or paths, so a
rerun leaves it byte-identical. Every interval uses the one bootstrap setting of
`config.toml` ([bootstrap]) or, for rates, Wilson and Newcombe intervals at its
confidence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata
from sklearn.inspection import permutation_importance
from sklearn.metrics import average_precision_score

from . import figures, results
from .artefact import load_model
from .binary.audit import audit_column
from .binary.calibration import measure
from .binary.costs import (
    TRIVIAL_POLICIES,
    Costs,
    best_trivial_policy,
    confusion_counts,
    cost_curve,
    expected_cost,
    flag,
    flag_rate_curve,
    row_costs,
    trivial_policy,
)
from .config import Config
from .core.stats import Bootstrap, Interval, bootstrap, mean, mean_difference, rate
from .core.threads import single_threaded
from .data import Dataset
from .modelling import contributions, model_data, replacement_contributions
from .prepare import load_split

# How many of the costliest errors of each kind the error analysis lists.
ERRORS_SHOWN = 3


@single_threaded
def run(cfg: Config) -> results.Metrics:
    train, test, split = load_split(cfg)
    loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
    summary = results.read(cfg.paths.training_summary, results.TrainingSummary)
    costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
    threshold = float(loaded.metadata["threshold"])
    as_features = cfg.subgroups.as_features
    data = model_data(test, cfg.subgroups.columns, as_features=as_features)
    fitted = model_data(train, cfg.subgroups.columns, as_features=as_features)

    y = data.target
    proba = loaded.estimator.predict_proba(data.features)[:, 1]
    flagged = flag(proba, threshold)
    if not np.array_equal(flagged, loaded.estimator.predict(data.features)):
        raise RuntimeError("thresholded scores disagree with the model's own decisions")

    setting = cfg.bootstrap
    grid = np.asarray(summary.curves.grid if summary.curves else [], dtype=float)
    sensitivity = []
    for point, factor in zip(
        summary.sensitivity,
        (1 - cfg.evaluation.cost_ratio_shift, 1 + cfg.evaluation.cost_ratio_shift),
        strict=True,
    ):
        shifted = costs.scaled(factor)
        sensitivity.append(
            results.SensitivityRow(
                factor=round(factor, 6),
                ratio=point.ratio,
                threshold=point.threshold,
                cost_per_1k_at_retuned_threshold=_cost_at(y, proba, point.threshold, shifted),
                cost_per_1k_at_served_threshold=_cost_at(y, proba, threshold, shifted),
            )
        )
    metrics = results.Metrics(
        data={**split["summary"], "file": cfg.data.path.name, "sha256": split["data_sha256"]},
        costs={"false_positive": costs.false_positive, "false_negative": costs.false_negative},
        meaning=results.Meaning(
            positive_class=test.classes[1],
            negative_class=test.classes[0],
            positive_action=cfg.decision.positive_action,
            negative_action=cfg.decision.negative_action,
            false_positive=cfg.decision.false_positive,
            false_negative=cfg.decision.false_negative,
        ),
        bootstrap=setting,
        training=summary.model_copy(update={"curves": None}),
        threshold=threshold,
        calibrated=bool(loaded.metadata["calibrated"]),
        test=headline_results(y, proba, threshold, costs, setting, summary.formula_threshold),
        test_cost_curve_per_1k=_rounded(cost_curve(y, proba, grid, costs) * 1000, 3),
        test_flag_rate_curve=_rounded(flag_rate_curve(proba, grid), 4),
        cost_ratio_test_cost_per_1k=[
            _cost_at(
                y, proba, p.threshold, Costs(costs.false_positive, costs.false_positive * p.ratio)
            )
            for p in summary.cost_ratios
        ],
        sensitivity=sensitivity,
        subgroups=[
            audit_column(
                column,
                test.groups[column].to_numpy(),
                y,
                flagged,
                costs,
                setting,
                cfg.subgroups.min_denominator,
            )
            for column in test.groups.columns
        ],
        errors=error_analysis(loaded.estimator, fitted, data, proba, flagged, costs),
        feature_effects=feature_effects(loaded.estimator, data, cfg.training.seed),
    )
    results.write(cfg.paths.metrics, metrics)
    folds = summary.curves
    figures.write_all(cfg.paths.figures_dir, metrics, folds)
    return metrics


def headline_results(
    y: npt.NDArray[np.int64],
    proba: npt.NDArray[np.float64],
    threshold: float,
    costs: Costs,
    setting: Bootstrap,
    formula_threshold: float,
) -> results.TestResults:
    """Headline test metrics: rates with their denominators, costs with paired intervals."""
    flagged = flag(proba, threshold)
    c = confusion_counts(y, flagged)
    conf = setting.confidence
    model_rows = row_costs(y, flagged, costs)
    no_features = np.zeros((len(y), 1))
    rows_of = {
        name: row_costs(
            y, trivial_policy(name).fit(no_features[:2], [0, 1]).predict(no_features), costs
        )
        for name in TRIVIAL_POLICIES
    }
    best = best_trivial_policy({name: float(r.mean()) for name, r in rows_of.items()})
    half_rows = row_costs(y, flag(proba, 0.5), costs)
    formula_rows = row_costs(y, flag(proba, formula_threshold), costs)
    policies = [
        results.Policy(
            name="model", threshold=threshold, cost_per_1k=_per_1k(mean(model_rows, setting))
        ),
        results.Policy(
            name="threshold_0_5", threshold=0.5, cost_per_1k=_per_1k(mean(half_rows, setting))
        ),
        results.Policy(
            name="formula_threshold",
            threshold=formula_threshold,
            cost_per_1k=_per_1k(mean(formula_rows, setting)),
        ),
        *[
            results.Policy(name=name, threshold=None, cost_per_1k=_per_1k(mean(rows, setting)))
            for name, rows in rows_of.items()
        ],
    ]
    trivial_rows = rows_of[best]
    return results.TestResults(
        n=c.n,
        confusion={"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn},
        rates=results.Rates(
            positive_rate=rate(c.positives, c.n, conf).rounded(6),
            flag_rate=rate(c.flagged, c.n, conf).rounded(6),
            false_positive_rate=rate(c.fp, c.negatives, conf).rounded(6),
            false_negative_rate=rate(c.fn, c.positives, conf).rounded(6),
            precision_flagged=rate(c.tp, c.flagged, conf).rounded(6),
        ),
        roc_auc=roc_auc_interval(y, proba, setting).rounded(4),
        pr_auc=round(float(average_precision_score(y, proba)), 4),
        cost_per_1k=_per_1k(mean(model_rows, setting)),
        policies=policies,
        best_trivial_policy=best,
        saving_vs_best_trivial_per_1k=_per_1k(mean_difference(trivial_rows, model_rows, setting)),
        saving_vs_best_trivial_percent=saving_percent(trivial_rows, model_rows, setting),
        saving_vs_threshold_0_5_per_1k=_per_1k(mean_difference(half_rows, model_rows, setting)),
        calibration=measure(y, proba, confidence=conf),
    )


def saving_percent(
    baseline_rows: npt.NDArray[np.float64], model_rows: npt.NDArray[np.float64], setting: Bootstrap
) -> Interval:
    """Saving as a percentage of the baseline's cost: 100 * (baseline - model) / baseline.

    Positive when the model is cheaper. Paired bootstrap over the rows; a resample in
    which the baseline costs nothing has no percentage and is counted as undefined.
    """

    def percent(idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        base, model = baseline_rows[idx].mean(axis=1), model_rows[idx].mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(base > 0, 100 * (base - model) / base, np.nan)

    return bootstrap(percent, len(model_rows), setting).rounded(3)


def roc_auc_interval(
    y: npt.NDArray[np.int64], proba: npt.NDArray[np.float64], setting: Bootstrap
) -> Interval:
    """ROC-AUC (Mann-Whitney form, ties counted half) with the shared bootstrap.

    Resamples that lack a class have no ROC-AUC; they are counted, not dropped silently.
    """

    def auc(idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        ranks = rankdata(proba[idx], axis=1)
        positive = y[idx] == 1
        n_pos = positive.sum(axis=1)
        n_neg = idx.shape[1] - n_pos
        rank_sum = np.where(positive, ranks, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
        return np.where((n_pos > 0) & (n_neg > 0), value, np.nan)

    return bootstrap(auc, len(y), setting)


def error_analysis(
    model: Any,
    fitted: Dataset,
    data: Dataset,
    proba: npt.NDArray[np.float64],
    flagged: npt.NDArray[np.int64],
    costs: Costs,
) -> list[results.ErrorCase]:
    """The costliest errors of each kind: the most confident wrong decisions.

    Every error of a kind costs the same, so within a kind the most confident (highest
    score among false positives, lowest among false negatives) come first. Drivers are
    the features that pushed the score toward the wrong decision most: for a linear model
    its additive contributions against the average training row, for any other model the
    change when only that feature is set to its typical training value.
    """
    effects = contributions(model, fitted.features, data.features)
    if effects is None:
        effects = replacement_contributions(model, fitted.features, data.features)
    cases = []
    y = data.target
    for kind, mask, order, cost, sign in (
        ("false positive", (flagged == 1) & (y == 0), -proba, costs.false_positive, 1.0),
        ("false negative", (flagged == 0) & (y == 1), proba, costs.false_negative, -1.0),
    ):
        rows = np.flatnonzero(mask)
        for row in rows[np.argsort(order[rows], kind="stable")][:ERRORS_SHOWN]:
            drivers: list[str] = []
            if effects is not None:
                pushed = effects.iloc[row] * sign
                for feature in pushed.sort_values(ascending=False, kind="stable").index[:3]:
                    if pushed[feature] > 0:
                        drivers.append(
                            f"{feature} = {_value(data.features.iloc[row][feature])} "
                            f"({effects.iloc[row][feature]:+.2f})"
                        )
            cases.append(
                results.ErrorCase(
                    kind=kind,
                    line=int(data.lines[row]),
                    score=round(float(proba[row]), 4),
                    cost=cost,
                    drivers=drivers,
                )
            )
    return cases


def feature_effects(model: Any, data: Dataset, seed: int) -> list[results.FeatureEffect]:
    """Permutation importance on the test rows: mean drop in ROC-AUC, largest first."""
    result = permutation_importance(
        model, data.features, data.target, scoring="roc_auc", n_repeats=5, random_state=seed
    )
    effects = [
        results.FeatureEffect(
            feature=str(name),
            importance=round(float(result.importances_mean[k]), 4),
            spread=round(float(result.importances_std[k]), 4),
        )
        for k, name in enumerate(data.features.columns)
    ]
    return sorted(effects, key=lambda e: (-e.importance, e.feature))


def _cost_at(y: Any, proba: Any, threshold: float, costs: Costs) -> float:
    return round(expected_cost(confusion_counts(y, flag(proba, threshold)), costs) * 1000, 3)


def _per_1k(interval: Interval) -> Interval:
    return interval.scaled(1000).rounded(3)


def _rounded(values: npt.NDArray[np.float64], digits: int) -> list[float]:
    return [round(float(v), digits) for v in values]


def _value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
