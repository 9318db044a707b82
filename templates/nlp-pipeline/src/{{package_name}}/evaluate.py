"""Stage `evaluate`: score the saved model on the held-out test messages, in the terms
of the decision it supports, into `reports/metrics.json` and the figures.

Deterministic for a given data file, config and seed: no timestamps, durations or paths
in `metrics.json`, so a rerun leaves it byte-identical.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import train_test_split

from . import figures
from .artefact import load_model
from .binary.costs import Costs, confusion_counts, cost_curve, flag, row_costs
from .config import Config
from .core.stats import Bootstrap, Interval, bootstrap, mean, mean_difference, rate_difference
from .core.stats import rate as wilson
from .decision import automation_curve, cutoff_grid, log_odds_distance
from .deduplicate import Message
from .modelling import candidate
from .multiclass import cost_matrix
from .normalise import NUMBER, URL
from .prepare import load_messages, load_split
from .train import labels_of

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def run(cfg: Config) -> dict[str, Any]:
    train_messages, test, summary = load_split(cfg)
    del train_messages
    loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
    training = json.loads(cfg.paths.training_summary.read_text(encoding="utf-8"))
    if training.get("task", "binary") == "multiclass":
        from .evaluate_multiclass import run_multiclass

        return run_multiclass(cfg, test, summary, loaded, training)
    costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
    threshold = float(loaded.metadata["threshold"])
    cutoff = float(loaded.metadata["review_cutoff"])

    y = labels_of(test, cfg.data.positive_class)
    p = loaded.estimator.predict_proba([m.normalised for m in test])[:, 1]
    flagged = flag(p, threshold)
    conf = setting(cfg)

    metrics: dict[str, Any] = {
        "task": "binary",
        "data": summary,
        "costs": {
            "false_positive": costs.false_positive,
            "false_negative": costs.false_negative,
            "review": cfg.automation.review_cost,
            "meaning": cfg.decision.model_dump(),
        },
        "model_selection": {
            k: training[k]
            for k in ("selected", "selection_rule", "cv_folds", "seed", "train_rows", "candidates")
        },
        "threshold": {
            "value": round(threshold, 4),
            "bayes": training["bayes_threshold"],
            "by_repeat": training["threshold_study"]["by_repeat"],
            "options": training["threshold_study"]["options"],
            "fold_thresholds": training["candidates"][training["selected"]]["fold_thresholds"],
        },
        "test": headline(y, p, flagged, costs, conf),
        "baselines": baselines(y, p, flagged, costs, conf, training),
        "automation": automation(y, p, threshold, cutoff, costs, cfg, conf, training),
        "slices": slices(test, y, flagged, costs, conf, cfg.evaluation.length_edges),
        "errors": confident_errors(test, y, p, flagged, cfg.evaluation.top_errors),
        "top_features": training["top_features"],
        "deduplication_check": deduplication_check(cfg, loaded.metadata["model_name"]),
        "bootstrap": {
            **conf.model_dump(),
            "described": conf.describe(),
            "rates": "Wilson score intervals; differences between slices: Newcombe's interval",
        },
    }
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.metrics.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")

    grid = np.linspace(0.0, 1.0, 201)
    oof_y = np.asarray(training["oof_target"])
    oof_p = np.asarray(training["oof_probabilities"])
    figures.write_all(
        cfg.paths.figures_dir,
        metrics,
        grid=grid,
        test_cost=cost_curve(y, p, grid, costs) * 1000,
        oof_cost=cost_curve(oof_y, oof_p, grid, costs) * 1000,
    )
    return metrics


def setting(cfg: Config) -> Bootstrap:
    """The project's one bootstrap setting, from config.toml."""
    return Bootstrap(
        resamples=cfg.evaluation.bootstrap_samples,
        seed=cfg.training.seed,
        confidence=cfg.evaluation.confidence,
    )


def _d(interval: Interval, digits: int = 6) -> dict[str, Any]:
    """An interval as stored in metrics.json (rounded for a stable file)."""
    return interval.rounded(digits).model_dump()


def rate(count: int, denominator: int, conf: Bootstrap) -> dict[str, Any]:
    return _d(wilson(count, denominator, conf.confidence))


def headline(
    y: IntArray, p: FloatArray, flagged: IntArray, costs: Costs, conf: Bootstrap
) -> dict[str, Any]:
    """Per-class quality, error counts in each class's own terms, and the expected cost."""
    c = confusion_counts(y, flagged)
    negatives, positives = int((y == 0).sum()), int((y == 1).sum())
    precision, recall, f1, support = precision_recall_fscore_support(
        y, flagged, labels=[0, 1], zero_division=0.0
    )
    per_class: dict[str, dict[str, Any]] = {}
    for k, name in enumerate(("negative", "positive")):
        hits = c.tn if k == 0 else c.tp
        decided = c.tn + c.fn if k == 0 else c.tp + c.fp
        per_class[name] = {
            "precision": rate(hits, decided, conf),
            "recall": rate(hits, int(support[k]), conf),
            "f1": round(float(f1[k]), 4),
            "support": int(support[k]),
        }
        assert per_class[name]["precision"]["estimate"] == round(float(precision[k]), 6)
        assert per_class[name]["recall"]["estimate"] == round(float(recall[k]), 6)
    fp_share = rate(c.fp, negatives, conf)
    fn_share = rate(c.fn, positives, conf)
    return {
        "n": c.n,
        "negatives": negatives,
        "positives": positives,
        "confusion": {"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn},
        "per_class": per_class,
        "macro_f1": macro_f1_interval(y, flagged, 2, conf),
        "fp_share": fp_share,
        "fn_share": fn_share,
        # Each per 10,000 messages of its own class: legitimate ones for false positives,
        # spam for false negatives.
        "fp_per_10k": _d(wilson(c.fp, negatives, conf.confidence).scaled(10_000), 1),
        "fn_per_10k": _d(wilson(c.fn, positives, conf.confidence).scaled(10_000), 1),
        "expected_cost_per_1k": _d(mean(row_costs(y, flagged, costs), conf).scaled(1000), 3),
        "flag_rate": rate(c.tp + c.fp, c.n, conf),
    }


def macro_f1_interval(
    y: IntArray, decided: IntArray, n_classes: int, conf: Bootstrap
) -> dict[str, Any]:
    """Macro F1 over the labels 0 .. n_classes - 1 with a bootstrap interval (the F1 of a
    label absent from a resample is 0, as scikit-learn's `zero_division=0` makes it)."""
    value = f1_score(y, decided, labels=range(n_classes), average="macro", zero_division=0.0)

    def statistic(idx: IntArray) -> FloatArray:
        yb, db = y[idx], decided[idx]
        total = np.zeros(idx.shape[0])
        for k in range(n_classes):
            truth, said = yb == k, db == k
            tp = (truth & said).sum(1)
            denominator = truth.sum(1) + said.sum(1)
            total += np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)
        return np.asarray(total / n_classes, dtype=float)

    interval = bootstrap(statistic, len(y), conf)
    assert abs((interval.estimate or 0) - value) < 1e-9
    return _d(interval, 4)


def baselines(
    y: IntArray,
    p: FloatArray,
    flagged: IntArray,
    costs: Costs,
    conf: Bootstrap,
    training: dict[str, Any],
) -> dict[str, Any]:
    """The expected cost of simple policies, and what the model saves against each.

    Savings are paired: the same resamples price both policies, so the interval of the
    difference is the interval of the per-message differences.
    """
    model_rows = row_costs(y, flagged, costs)
    policies = {
        "flag_none": np.zeros_like(y),
        "flag_all": np.ones_like(y),
        "threshold_0_5": flag(p, 0.5),
    }
    out: dict[str, Any] = {}
    for name, decided in policies.items():
        rows = row_costs(y, decided, costs)
        out[name] = {
            "cost_per_1k": _d(mean(rows, conf).scaled(1000), 3),
            "saving_per_1k": _d(mean_difference(rows, model_rows, conf).scaled(1000), 3),
        }
    dummy = training["candidates"].get("dummy")
    if dummy is not None:
        out["dummy_cv_cost_per_1k"] = dummy["cost_per_1k"]
    best = min(("flag_none", "flag_all"), key=lambda k: out[k]["cost_per_1k"]["estimate"])
    out["best_trivial"] = best
    return out


def automation(
    y: IntArray,
    p: FloatArray,
    threshold: float,
    cutoff: float,
    costs: Costs,
    cfg: Config,
    conf: Bootstrap,
    training: dict[str, Any],
) -> dict[str, Any]:
    """The automation curve on the test set and the operating point chosen in training."""
    review = cfg.automation.review_cost
    oof_p = np.asarray(training["oof_probabilities"])
    cutoffs = np.unique(np.concatenate([cutoff_grid(oof_p, threshold), [cutoff]]))
    curve = automation_curve(y, p, threshold, costs, review, cutoffs)
    auto = log_odds_distance(p, threshold) >= cutoff
    wrong = (flag(p, threshold) == 1) != (y == 1)
    return {
        "review_cost": review,
        "recommended": recommended(
            cutoff, auto, wrong, row_costs(y, flag(p, threshold), costs), review, conf
        ),
        "curve": curve_rows([asdict(pt) for pt in curve]),
    }


def recommended(
    cutoff: float,
    auto: npt.NDArray[np.bool_],
    wrong: npt.NDArray[np.bool_],
    error_rows: FloatArray,
    review: float,
    conf: Bootstrap,
) -> dict[str, Any]:
    """The operating point: what is automated, its errors, and its cost with review
    (paired against deciding every message automatically)."""
    rows = np.where(auto, error_rows, review)
    return {
        "cutoff": round(cutoff, 6),
        "automated": rate(int(auto.sum()), len(auto), conf),
        "reviewed_per_1k": round(float((~auto).mean() * 1000), 1),
        "errors_automated": rate(int((wrong & auto).sum()), int(auto.sum()), conf),
        "cost_per_1k": _d(mean(rows, conf).scaled(1000), 3),
        "saving_vs_no_review_per_1k": _d(mean_difference(error_rows, rows, conf).scaled(1000), 3),
    }


def curve_rows(points: list[dict[str, float]]) -> list[dict[str, float]]:
    """Automation-curve points as stored in metrics.json (rounded for a stable file)."""
    digits = {"cutoff": 6, "automated_share": 6, "error_rate_automated": 6, "cost_per_1k": 3}
    return [{key: round(pt[key], n) for key, n in digits.items()} for pt in points]


def slice_masks(messages: list[Message], edges: tuple[int, ...]) -> dict[str, dict[str, Any]]:
    """Boolean masks of the test messages per slice, on the text as received."""
    lengths = np.array([len(m.text) for m in messages])
    bounds = [0, *edges, None]
    length: dict[str, Any] = {}
    for low, high in pairwise(bounds):
        label = f"{low}-{high - 1} chars" if high is not None else f"{low}+ chars"
        length[label] = (lengths >= low) & (lengths < high if high is not None else True)
    url = np.array([bool(URL.search(m.text)) for m in messages])
    number = np.array([bool(NUMBER.search(m.text)) for m in messages])
    return {
        "length": length,
        "url": {"with a link": url, "without a link": ~url},
        "number": {"with a number": number, "without a number": ~number},
    }


def slices(
    messages: list[Message],
    y: IntArray,
    flagged: IntArray,
    costs: Costs,
    conf: Bootstrap,
    edges: tuple[int, ...],
) -> dict[str, Any]:
    """Error rates per slice with their denominators, each against the rest of the test
    set as a signed difference (slice minus rest: positive means worse in the slice)."""
    out: dict[str, Any] = {}
    cost_rows = row_costs(y, flagged, costs)
    for family, masks in slice_masks(messages, edges).items():
        out[family] = {}
        for name, mask in masks.items():
            rest = ~mask
            entry: dict[str, Any] = {"n": int(mask.sum())}
            for key, cls, wrong in (
                ("fp_share", 0, flagged == 1),
                ("fn_share", 1, flagged == 0),
            ):
                in_cls, rest_cls = mask & (y == cls), rest & (y == cls)
                count, nobs = int((in_cls & wrong).sum()), int(in_cls.sum())
                other, other_nobs = int((rest_cls & wrong).sum()), int(rest_cls.sum())
                entry[key] = rate(count, nobs, conf)
                entry[f"{key}_vs_rest"] = _d(
                    rate_difference(count, nobs, other, other_nobs, conf.confidence)
                )
            entry["cost_per_1k"] = _subset_cost(cost_rows, mask, conf)
            out[family][name] = entry
    return out


def _subset_cost(rows: FloatArray, mask: npt.NDArray[np.bool_], conf: Bootstrap) -> Any:
    """Mean cost per 1,000 in a slice; resamples without a row of the slice are counted."""

    def statistic(idx: IntArray) -> FloatArray:
        m = mask[idx]
        n = m.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(np.where(n > 0, (rows[idx] * m).sum(1) / n, np.nan), dtype=float)

    return _d(bootstrap(statistic, len(rows), conf).scaled(1000), 3)


def confident_errors(
    messages: list[Message], y: IntArray, p: FloatArray, flagged: IntArray, n: int
) -> dict[str, list[dict[str, Any]]]:
    """The `n` false positives with the highest and false negatives with the lowest
    probability: the errors the model was surest of."""
    fp = np.flatnonzero((flagged == 1) & (y == 0))
    fn = np.flatnonzero((flagged == 0) & (y == 1))

    def rows(positions: IntArray) -> list[dict[str, Any]]:
        return [
            {"probability": round(float(p[i]), 4), "text": messages[i].text, "row": messages[i].row}
            for i in positions
        ]

    return {
        "false_positives": rows(fp[np.argsort(-p[fp], kind="stable")][:n]),
        "false_negatives": rows(fn[np.argsort(p[fn], kind="stable")][:n]),
    }


def deduplication_check(
    cfg: Config, model_name: str, labels: list[str] | None = None
) -> dict[str, Any]:
    """What skipping deduplication would have done: a plain stratified split of the
    normalised (not deduplicated) messages, the served model's recipe refitted on it,
    and its test messages scored apart by whether their text also occurs in training.
    `labels` (more than two) prices errors with the cost matrix instead of the two costs.
    """
    messages = load_messages(cfg, "normalised", "normalise")
    if labels is None:
        y = labels_of(messages, cfg.data.positive_class)
    else:
        index = {label: k for k, label in enumerate(labels)}
        y = np.array([index.get(m.label, -1) for m in messages], dtype=np.int64)
        keep = y >= 0  # a label the deduplicated data lost entirely cannot be priced
        messages, y = [m for m, k in zip(messages, keep, strict=True) if k], y[keep]
    positions = np.arange(len(messages))
    train, test = train_test_split(
        positions, test_size=cfg.data.test_size, stratify=y, random_state=cfg.training.seed
    )
    texts = np.asarray([m.normalised for m in messages], dtype=object)
    model = candidate(model_name, cfg.training.seed).fit(list(texts[train]), y[train])
    seen = set(texts[train])
    leaked = np.array([t in seen for t in texts[test]])
    decided = np.asarray(model.predict(list(texts[test])), dtype=np.int64)
    if labels is None:
        costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
        cost_rows = row_costs(y[test], decided, costs)
    else:
        cost_rows = cost_matrix(labels, cfg.costs.matrix)[y[test], decided]

    def part(mask: npt.NDArray[np.bool_]) -> dict[str, Any]:
        if not mask.any():
            return {"n": 0, "errors": 0, "error_rate": None, "cost_per_1k": None}
        errors = int((decided[mask] != y[test][mask]).sum())
        return {
            "n": int(mask.sum()),
            "errors": errors,
            "error_rate": round(errors / int(mask.sum()), 6),
            "cost_per_1k": round(float(cost_rows[mask].mean() * 1000), 3),
        }

    return {
        "test_rows": len(test),
        "test_rows_with_text_in_training": int(leaked.sum()),
        "all": part(np.ones(len(test), dtype=bool)),
        "text_also_in_training": part(leaked),
        "text_not_in_training": part(~leaked),
        "note": "decided by predict() (the most probable label); compared within this split",
    }
