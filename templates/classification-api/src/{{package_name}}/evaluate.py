"""Stage `evaluate`: score the saved model on the held-out test rows, in business terms.

Everything written here comes from this run and is deterministic for a given data file,
config and seed: `reports/metrics.json` holds no timestamps, durations or paths, so a
rerun leaves it byte-identical and a change in it always means a change in results.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from fairlearn.metrics import MetricFrame
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from . import figures
from .artefact import load_model
from .binary.costs import (
    Costs,
    Counts,
    confusion_counts,
    cost_curve,
    expected_cost,
    flag,
    row_costs,
    trivial_policy_costs,
)
from .config import Config
from .prepare import load_split
from .stats import bootstrap_indices, bootstrap_mean, calibration_bins

# Groups smaller than this are reported but called out as too small to conclude from.
SMALL_GROUP = 30


def run(cfg: Config) -> dict[str, Any]:
    _, test, split = load_split(cfg)
    loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
    training = json.loads(cfg.paths.training_summary.read_text(encoding="utf-8"))
    costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
    threshold = float(loaded.metadata["threshold"])

    y = test.target
    proba = loaded.estimator.predict_proba(test.features)[:, 1]
    flagged = flag(proba, threshold)
    if not np.array_equal(flagged, loaded.estimator.predict(test.features)):
        raise RuntimeError("thresholded probabilities disagree with the model's own decisions")

    conf = cfg.evaluation.confidence
    idx = bootstrap_indices(len(y), cfg.evaluation.bootstrap_samples, cfg.training.seed)
    metrics = {
        "data": {**split["summary"], "file": cfg.data.path.name, "sha256": split["data_sha256"]},
        "costs": {
            "false_positive": costs.false_positive,
            "false_negative": costs.false_negative,
            "meaning": {
                "positive_class": test.classes[1],
                "positive_action": cfg.decision.positive_action,
                "negative_action": cfg.decision.negative_action,
                "false_positive": cfg.decision.false_positive,
                "false_negative": cfg.decision.false_negative,
            },
        },
        "model_selection": {
            k: training[k] for k in ("selected", "selection_rule", "cv_folds", "seed", "candidates")
        },
        "calibration": {
            "training_oof": training["calibration"],
            "test_brier": _r(brier_score_loss(y, proba)),
            "test_bins": calibration_bins(y, proba),
        },
        "threshold": _r(threshold),
        "bayes_threshold": training["bayes_threshold"],
        "test": headline_metrics(y, proba, flagged, costs, idx, conf, cfg.training.seed),
        "baselines": _baselines(y, proba, costs),
        "sensitivity": _sensitivity(y, proba, threshold, costs, training["sensitivity"]),
        "subgroups": {},
        "subgroup_gaps": {},
        "bootstrap": {
            "samples": cfg.evaluation.bootstrap_samples,
            "confidence": conf,
            "method": "percentile",
        },
    }
    for column in test.groups.columns:
        groups, gaps = subgroup_table(y, flagged, test.groups[column].to_numpy(), costs, idx, conf)
        metrics["subgroups"][column] = groups
        metrics["subgroup_gaps"][column] = gaps

    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.metrics.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")

    grid = np.linspace(0.0, 1.0, 201)
    oof_y = np.asarray(training["oof_target"])
    oof_p = np.asarray(training["oof_probabilities"])
    figures.write_all(
        cfg.paths.figures_dir,
        metrics,
        grid=grid,
        test_cost=cost_curve(y, proba, grid, costs) * 1000,
        oof_cost=cost_curve(oof_y, oof_p, grid, costs) * 1000,
    )
    return metrics


def headline_metrics(
    y: npt.NDArray[np.int64],
    proba: npt.NDArray[np.float64],
    flagged: npt.NDArray[np.int64],
    costs: Costs,
    idx: npt.NDArray[np.int64],
    confidence: float,
    seed: int,
) -> dict[str, Any]:
    """Headline test metrics, each count-based one with a paired bootstrap interval."""
    counts = confusion_counts(y, flagged)
    model_rows = row_costs(y, flagged, costs)
    trivial = trivial_policy_costs(np.zeros((len(y), 1)), y, costs)
    best_trivial = min(trivial, key=lambda k: trivial[k])
    trivial_rows = row_costs(y, np.full_like(y, 1 if best_trivial == "flag_all" else 0), costs)
    half_rows = row_costs(y, flag(proba, 0.5), costs)
    fp = bootstrap_mean((flagged == 1) & (y == 0), idx, confidence).scaled(10_000)
    fn = bootstrap_mean((flagged == 0) & (y == 1), idx, confidence).scaled(10_000)
    n_flagged = counts.tp + counts.fp
    return {
        "n": counts.n,
        "positive_rate": _r(np.mean(y)),
        "roc_auc": _r(roc_auc_score(y, proba)),
        "roc_auc_ci": _auc_interval(y, proba, confidence, seed),
        "pr_auc": _r(average_precision_score(y, proba)),
        "brier": _r(brier_score_loss(y, proba)),
        "confusion": _counts(counts),
        "fp_per_10k": _r(fp.value, 1),
        "fp_per_10k_ci": [_r(fp.low, 1), _r(fp.high, 1)],
        "fn_per_10k": _r(fn.value, 1),
        "fn_per_10k_ci": [_r(fn.low, 1), _r(fn.high, 1)],
        "expected_cost_per_1k": bootstrap_mean(model_rows, idx, confidence).scaled(1000).as_dict(3),
        "flag_rate": _r(n_flagged / counts.n),
        "precision_flagged": _r(counts.tp / n_flagged) if n_flagged else None,
        "best_trivial_policy": best_trivial,
        "saving_vs_best_trivial_per_1k": bootstrap_mean(trivial_rows - model_rows, idx, confidence)
        .scaled(1000)
        .as_dict(3),
        "saving_vs_threshold_0_5_per_1k": bootstrap_mean(half_rows - model_rows, idx, confidence)
        .scaled(1000)
        .as_dict(3),
        "at_threshold_0_5": _counts(confusion_counts(y, flag(proba, 0.5))),
    }


def subgroup_table(
    y: npt.NDArray[np.int64],
    flagged: npt.NDArray[np.int64],
    groups: npt.NDArray[Any],
    costs: Costs,
    idx: npt.NDArray[np.int64],
    confidence: float,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per-group rates (fairlearn's MetricFrame) with bootstrap intervals.

    The intervals resample the whole test set, as fairlearn's own bootstrap does, but
    vectorised over the resamples: the same `idx` as the headline numbers, at a small
    fraction of MetricFrame's per-resample cost.
    """
    metric_fns = {
        "selection_rate": selection_rate,
        "fpr": false_positive_rate,
        "fnr": false_negative_rate,
        "expected_cost_per_1k": partial(cost_per_1k, costs=costs),
    }
    frame = MetricFrame(metrics=metric_fns, y_true=y, y_pred=flagged, sensitive_features=groups)
    by_group = frame.by_group
    diff = frame.difference(method="between_groups")
    names = sorted(by_group.index, key=str)
    boot = group_rates_bootstrap(y, flagged, groups, names, costs, idx)
    alpha = (1 - confidence) / 2
    table: dict[str, Any] = {}
    for k, group in enumerate(names):
        mask = groups == group
        entry: dict[str, Any] = {
            "n": int(mask.sum()),
            "positives": int(y[mask].sum()),
            "small": bool(mask.sum() < SMALL_GROUP),
        }
        for name in metric_fns:
            digits = 3 if name == "expected_cost_per_1k" else 4
            entry[name] = _r(by_group.loc[group, name], digits)
            entry[f"{name}_ci"] = [_r(v, digits) for v in _quantiles(boot[name][k], alpha)]
        table[str(group)] = entry
    gaps = {}
    for name in metric_fns:
        digits = 3 if name == "expected_cost_per_1k" else 4
        low, high = _quantiles(_spread(boot[name]), alpha)
        gaps[name] = {
            "value": _r(diff[name], digits),
            "ci_low": _r(low, digits),
            "ci_high": _r(high, digits),
        }
    return table, gaps


def group_rates_bootstrap(
    y: npt.NDArray[np.int64],
    flagged: npt.NDArray[np.int64],
    groups: npt.NDArray[Any],
    names: list[Any],
    costs: Costs,
    idx: npt.NDArray[np.int64],
) -> dict[str, npt.NDArray[np.float64]]:
    """Each rate per group (rows) and resample (columns); NaN where undefined."""
    yb, fb = y[idx] == 1, flagged[idx] == 1
    out: dict[str, list[npt.NDArray[np.float64]]] = {
        "selection_rate": [], "fpr": [], "fnr": [], "expected_cost_per_1k": [],
    }  # fmt: skip
    with np.errstate(invalid="ignore", divide="ignore"):
        for group in names:
            m = groups[idx] == group
            n, neg, pos = m.sum(1), (m & ~yb).sum(1), (m & yb).sum(1)
            fp, fn = (m & ~yb & fb).sum(1), (m & yb & ~fb).sum(1)
            out["selection_rate"].append(np.where(n > 0, (m & fb).sum(1) / n, np.nan))
            out["fpr"].append(np.where(neg > 0, fp / neg, np.nan))
            out["fnr"].append(np.where(pos > 0, fn / pos, np.nan))
            cost = (fp * costs.false_positive + fn * costs.false_negative) / n * 1000
            out["expected_cost_per_1k"].append(np.where(n > 0, cost, np.nan))
    return {k: np.vstack(v) for k, v in out.items()}


def _spread(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Largest minus smallest group value per resample; NaN if fewer than two defined."""
    defined = ~np.isnan(values)
    high = np.where(defined, values, -np.inf).max(axis=0)
    low = np.where(defined, values, np.inf).min(axis=0)
    return np.where(defined.sum(axis=0) >= 2, high - low, np.nan)


def _quantiles(values: npt.NDArray[np.float64], alpha: float) -> tuple[float, float]:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [alpha, 1 - alpha])
    return float(low), float(high)


def selection_rate(y_true: Any, y_pred: Any) -> float:
    return float(np.mean(np.asarray(y_pred) == 1))


def false_positive_rate(y_true: Any, y_pred: Any) -> float:
    """Share of negatives flagged; NaN for a group without negatives."""
    y, f = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
    return float(np.sum(f & ~y) / np.sum(~y)) if np.any(~y) else float("nan")


def false_negative_rate(y_true: Any, y_pred: Any) -> float:
    """Share of positives let through; NaN for a group without positives."""
    y, f = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
    return float(np.sum(~f & y) / np.sum(y)) if np.any(y) else float("nan")


def cost_per_1k(y_true: Any, y_pred: Any, *, costs: Costs) -> float:
    return float(np.mean(row_costs(y_true, y_pred, costs)) * 1000)


def _baselines(y: Any, proba: Any, costs: Costs) -> dict[str, float]:
    trivial = trivial_policy_costs(np.zeros((len(y), 1)), y, costs)
    half = expected_cost(confusion_counts(y, flag(proba, 0.5)), costs)
    return {
        "flag_all": _r(trivial["flag_all"] * 1000, 3),
        "flag_none": _r(trivial["flag_none"] * 1000, 3),
        "threshold_0_5": _r(half * 1000, 3),
    }


def _sensitivity(
    y: Any, proba: Any, threshold: float, costs: Costs, shifted: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """If the cost ratio is off: the threshold we would have chosen, and what it costs."""
    rows = []
    for item in shifted:
        alt = costs.scaled(item["factor"])
        at_current = expected_cost(confusion_counts(y, flag(proba, threshold)), alt) * 1000
        at_retuned = expected_cost(confusion_counts(y, flag(proba, item["threshold"])), alt) * 1000
        rows.append(
            {
                **item,
                "cost_per_1k_at_current_threshold": _r(at_current, 3),
                "cost_per_1k_at_retuned_threshold": _r(at_retuned, 3),
            }
        )
    return rows


def _auc_interval(
    y: Any, proba: Any, confidence: float, seed: int, n_boot: int = 500
) -> list[float]:
    idx = bootstrap_indices(len(y), n_boot, seed + 7)
    values = [roc_auc_score(y[i], proba[i]) for i in idx if 0 < y[i].sum() < len(i)]
    alpha = (1 - confidence) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return [_r(low, 4), _r(high, 4)]


def _counts(c: Counts) -> dict[str, int]:
    return {"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn}


def _r(value: Any, digits: int = 4) -> Any:
    """Round for a stable, readable JSON; NaN (an undefined rate) becomes null."""
    v = float(value)
    return None if np.isnan(v) else round(v, digits)
