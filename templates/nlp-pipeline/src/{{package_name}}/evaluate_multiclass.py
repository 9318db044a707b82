"""Stage `evaluate` for more than two labels: the saved model's least-expected-cost
decisions on the held-out test messages, in `reports/metrics.json` and the figures.

The same family statistics as the binary report: Wilson intervals with their
denominators for every rate, one bootstrap setting for costs and macro F1, paired
differences against simple policies, signed slice differences. The positive class
names the label whose one-vs-rest errors are counted per 10,000 messages.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from . import figures
from . import multiclass as mc
from .artefact import LoadedModel
from .config import Config
from .core.stats import Bootstrap, mean, mean_difference, rate_difference
from .core.stats import rate as wilson
from .deduplicate import Message
from .evaluate import (
    FloatArray,
    IntArray,
    _d,
    _subset_cost,
    curve_rows,
    deduplication_check,
    macro_f1_interval,
    rate,
    recommended,
    setting,
    slice_masks,
)
from .modelling import full_probabilities
from .train import label_indices


def run_multiclass(
    cfg: Config,
    test: list[Message],
    summary: dict[str, Any],
    loaded: LoadedModel,
    training: dict[str, Any],
) -> dict[str, Any]:
    labels = list(training["labels"])
    matrix = np.asarray(training["cost_matrix"], dtype=float)
    cutoff = float(loaded.metadata["review_cutoff"])
    conf = setting(cfg)
    y = label_indices(test, labels)
    p = probabilities(loaded.estimator, [m.normalised for m in test], len(labels))
    decided = mc.decide(p, matrix)
    positive = labels.index(cfg.data.positive_class)

    metrics: dict[str, Any] = {
        "task": "multiclass",
        "data": summary,
        "costs": {
            "labels": labels,
            "matrix": matrix.tolist(),
            "review": cfg.automation.review_cost,
            "meaning": cfg.decision.model_dump(),
        },
        "model_selection": {
            k: training[k]
            for k in ("selected", "selection_rule", "cv_folds", "seed", "train_rows", "candidates")
        },
        "test": headline(y, decided, matrix, labels, positive, conf),
        "baselines": baselines(y, p, decided, matrix, labels, conf),
        "automation": automation(y, p, decided, matrix, cutoff, cfg, conf, training),
        "slices": slices(test, y, decided, matrix, conf, cfg.evaluation.length_edges),
        "errors": confident_errors(test, y, p, decided, labels, cfg.evaluation.top_errors),
        "top_features": training["top_features"],
        "deduplication_check": deduplication_check(
            cfg, loaded.metadata["model_name"], labels=labels
        ),
        "bootstrap": {
            **conf.model_dump(),
            "described": conf.describe(),
            "rates": "Wilson score intervals; differences between slices: Newcombe's interval",
        },
    }
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.metrics.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    figures.write_multiclass(cfg.paths.figures_dir, metrics)
    return metrics


def probabilities(pipeline: Any, texts: list[str], n_classes: int) -> FloatArray:
    """The fitted pipeline's probability of every label (columns in label order)."""
    steps = pipeline.steps
    x = pipeline[:-1].transform(texts) if len(steps) > 1 else texts
    return full_probabilities(steps[-1][1], x, n_classes)


def headline(
    y: IntArray,
    decided: IntArray,
    matrix: FloatArray,
    labels: list[str],
    positive: int,
    conf: Bootstrap,
) -> dict[str, Any]:
    """Per-label precision, recall and F1, macro F1, the confusion matrix, the positive
    label's one-vs-rest errors, and the expected cost under the matrix."""
    k = len(labels)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (y, decided), 1)
    precision, recall, f1, support = precision_recall_fscore_support(
        y, decided, labels=range(k), zero_division=0.0
    )
    per_class: dict[str, dict[str, Any]] = {}
    for j, label in enumerate(labels):
        hits = int(confusion[j, j])
        per_class[label] = {
            # precision: among the messages decided as this label; recall: among those
            # that really are this label.
            "precision": rate(hits, int(confusion[:, j].sum()), conf),
            "recall": rate(hits, int(confusion[j, :].sum()), conf),
            "f1": round(float(f1[j]), 4),
            "support": int(support[j]),
        }
        assert per_class[label]["precision"]["estimate"] == round(float(precision[j]), 6)
        assert per_class[label]["recall"]["estimate"] == round(float(recall[j]), 6)
    is_pos, said_pos = y == positive, decided == positive
    others, positives = int((~is_pos).sum()), int(is_pos.sum())
    fp, fn = int((said_pos & ~is_pos).sum()), int((~said_pos & is_pos).sum())
    return {
        "n": len(y),
        "labels": labels,
        "positive": labels[positive],
        "confusion_matrix": confusion.tolist(),
        "per_class": per_class,
        "macro_f1": macro_f1_interval(y, decided, k, conf),
        "accuracy": rate(int((decided == y).sum()), len(y), conf),
        # One-vs-rest for the positive label: other messages decided as it, per 10,000
        # other messages; its own messages decided as something else, per 10,000 of them.
        "fp_share": rate(fp, others, conf),
        "fn_share": rate(fn, positives, conf),
        "fp_per_10k": _d(wilson(fp, others, conf.confidence).scaled(10_000), 1),
        "fn_per_10k": _d(wilson(fn, positives, conf.confidence).scaled(10_000), 1),
        "expected_cost_per_1k": _d(mean(mc.row_costs(y, decided, matrix), conf).scaled(1000), 3),
    }


def baselines(
    y: IntArray,
    p: FloatArray,
    decided: IntArray,
    matrix: FloatArray,
    labels: list[str],
    conf: Bootstrap,
) -> dict[str, Any]:
    """Constant policies (one label for every message) and the model's most probable
    label (which ignores the costs), each against the model's cost-aware decisions
    (paired: the same resamples price both)."""
    model_rows = mc.row_costs(y, decided, matrix)
    policies = {f"always_{label}": np.full_like(y, j) for j, label in enumerate(labels)}
    policies["most_probable"] = np.asarray(np.argmax(p, axis=1), dtype=np.int64)
    out: dict[str, Any] = {}
    for name, chosen in policies.items():
        rows = mc.row_costs(y, chosen, matrix)
        out[name] = {
            "cost_per_1k": _d(mean(rows, conf).scaled(1000), 3),
            "saving_per_1k": _d(mean_difference(rows, model_rows, conf).scaled(1000), 3),
        }
    constant = [f"always_{label}" for label in labels]
    out["best_trivial"] = min(constant, key=lambda k: out[k]["cost_per_1k"]["estimate"])
    return out


def automation(
    y: IntArray,
    p: FloatArray,
    decided: IntArray,
    matrix: FloatArray,
    cutoff: float,
    cfg: Config,
    conf: Bootstrap,
    training: dict[str, Any],
) -> dict[str, Any]:
    """The automation curve on the top-class probability, and the cut-off chosen in
    training on out-of-fold probabilities."""
    review = cfg.automation.review_cost
    oof_p = np.asarray(training["oof_probabilities"], dtype=float)
    cutoffs = np.unique(np.concatenate([mc.cutoff_grid(oof_p), [cutoff]]))
    curve = mc.automation_curve(y, p, matrix, review, cutoffs)
    auto = mc.confidence(p) >= cutoff
    return {
        "review_cost": review,
        "score": "top-class probability",
        "recommended": recommended(
            cutoff, auto, decided != y, mc.row_costs(y, decided, matrix), review, conf
        ),
        "curve": curve_rows(curve),
    }


def slices(
    messages: list[Message],
    y: IntArray,
    decided: IntArray,
    matrix: FloatArray,
    conf: Bootstrap,
    edges: tuple[int, ...],
) -> dict[str, Any]:
    """Error rate (any wrong label) and cost per slice with denominators, each against
    the rest of the test set as a signed difference (slice minus rest)."""
    wrong = decided != y
    cost_rows = mc.row_costs(y, decided, matrix)
    out: dict[str, Any] = {}
    for family, masks in slice_masks(messages, edges).items():
        out[family] = {}
        for name, mask in masks.items():
            rest = ~mask
            count, nobs = int((mask & wrong).sum()), int(mask.sum())
            other, other_nobs = int((rest & wrong).sum()), int(rest.sum())
            out[family][name] = {
                "n": nobs,
                "error_share": rate(count, nobs, conf),
                "error_share_vs_rest": _d(
                    rate_difference(count, nobs, other, other_nobs, conf.confidence)
                ),
                "cost_per_1k": _subset_cost(cost_rows, mask, conf),
            }
    return out


def confident_errors(
    messages: list[Message],
    y: IntArray,
    p: FloatArray,
    decided: IntArray,
    labels: list[str],
    n: int,
) -> dict[str, list[dict[str, Any]]]:
    """The `n` wrong decisions the model was surest of (highest probability of the
    label it decided)."""
    wrong = np.flatnonzero(decided != y)
    sure = p[wrong, decided[wrong]]
    order = wrong[np.argsort(-sure, kind="stable")][:n]
    return {
        "wrong": [
            {
                "probability": round(float(p[i, decided[i]]), 4),
                "decided": labels[int(decided[i])],
                "true": labels[int(y[i])],
                "text": messages[i].text,
                "row": messages[i].row,
            }
            for i in order
        ]
    }
