"""Stage `train`: compare the candidates by cross-validation on the training messages,
choose the threshold from the costs, choose the review band, save the serving model.

The test messages are never read here: `load_split` hands them back, and this module
drops them unread. Every choice is made on out-of-fold probabilities of the training
messages, through the family's `binary.threshold`.
"""

from __future__ import annotations

import json
import platform
import time
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from . import multiclass as mc
from .artefact import save_model
from .binary.costs import Costs, bayes_threshold, confusion_counts, expected_cost, flag
from .binary.threshold import HeldOut, best_threshold, fold_curves, study, threshold_grid
from .config import Config
from .core.stats import fold_mean
from .decision import automation_curve, cutoff_grid
from .deduplicate import Message, duplicate_groups
from .modelling import (
    NAMES,
    candidate,
    out_of_fold_matrices,
    out_of_fold_probabilities,
    top_features,
)
from .multiclass import cost_matrix
from .prepare import load_split
from .split import IntArray, folds

SELECTION_RULE = (
    "lowest mean cross-validated cost per 1,000 messages; a simpler candidate "
    "within one standard error of the best is preferred"
)


def run(cfg: Config) -> dict[str, Any]:
    started = time.perf_counter()
    train, _test_not_read, summary = load_split(cfg)
    del _test_not_read
    if summary["split"].get("task", "binary") == "multiclass":
        return run_multiclass(cfg, train, summary, started)
    costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
    y = labels_of(train, cfg.data.positive_class)
    texts = [m.normalised for m in train]
    labels, groups = [m.label for m in train], duplicate_groups(train)
    seed, k, grid = cfg.training.seed, cfg.training.cv_folds, threshold_grid()

    held = out_of_fold_probabilities(
        texts, y, folds(labels, groups, k, seed), cfg.training.candidates, seed
    )
    comparison = {name: score_candidate(held[name], grid, costs) for name in held}
    selected = select(comparison, cfg.training.candidates)

    # The threshold's spread over seeds: the selected recipe on more fold splits.
    repeats = list(held[selected])
    for r in range(1, cfg.training.threshold_repeats):
        more = out_of_fold_probabilities(
            texts, y, folds(labels, groups, k, seed + r), [selected], seed, repeat=r
        )
        repeats += more[selected]
    threshold_study = study(repeats, grid, costs)
    threshold = threshold_study.chosen

    p = out_of_fold(held[selected], len(y))
    cutoffs = cutoff_grid(p, threshold)
    curve = automation_curve(y, p, threshold, costs, cfg.automation.review_cost, cutoffs)
    best_point = min(curve, key=lambda pt: (round(pt.cost_per_1k, 9), pt.cutoff))

    pipeline = candidate(selected, seed).fit(texts, y)
    training = {
        "task": "binary",
        "selected": selected,
        "selection_rule": SELECTION_RULE,
        "cv_folds": k,
        "seed": seed,
        "train_rows": len(train),
        "candidates": comparison,
        "threshold": round(threshold, 4),
        "bayes_threshold": round(bayes_threshold(costs), 6),
        "threshold_study": threshold_study.model_dump(),
        "review_cutoff": round(best_point.cutoff, 6),
        "review_cost": cfg.automation.review_cost,
        "top_features": top_features(pipeline, cfg.evaluation.top_features),
        "oof_probabilities": [round(float(v), 6) for v in p],
        "oof_target": [int(v) for v in y],
    }
    write_model(
        cfg,
        pipeline,
        training,
        summary,
        started,
        {
            "threshold": threshold,
            "review_cutoff": best_point.cutoff,
            "labels": summary["split"].get("labels", sorted(summary["split"]["classes"].values())),
            "actions": {
                "positive": cfg.decision.positive_action,
                "negative": cfg.decision.negative_action,
            },
            "costs": {
                "false_positive": costs.false_positive,
                "false_negative": costs.false_negative,
            },
        },
    )
    return training


def run_multiclass(
    cfg: Config, train: list[Message], summary: dict[str, Any], started: float
) -> dict[str, Any]:
    """More than two labels: candidates compared on the cost of least-expected-cost
    decisions under the cost matrix (no threshold to choose), then the review cut-off on
    the top-class probability, all on out-of-fold probabilities of the training rows."""
    labels = list(summary["split"]["labels"])
    matrix = cost_matrix(labels, cfg.costs.matrix)
    y = label_indices(train, labels)
    texts = [m.normalised for m in train]
    seed, k = cfg.training.seed, cfg.training.cv_folds
    fold_rows = folds([m.label for m in train], duplicate_groups(train), k, seed)
    held = out_of_fold_matrices(texts, y, fold_rows, cfg.training.candidates, seed, len(labels))
    comparison = {name: score_multiclass(held[name], y, matrix) for name in held}
    selected = select(comparison, cfg.training.candidates)

    p = np.zeros((len(y), len(labels)))
    for rows, probabilities in held[selected]:
        p[rows] = probabilities
    curve = mc.automation_curve(y, p, matrix, cfg.automation.review_cost, mc.cutoff_grid(p))
    best_point = min(curve, key=lambda pt: (round(pt["cost_per_1k"], 9), pt["cutoff"]))

    pipeline = candidate(selected, seed).fit(texts, y)
    training = {
        "task": "multiclass",
        "selected": selected,
        "selection_rule": SELECTION_RULE,
        "cv_folds": k,
        "seed": seed,
        "train_rows": len(train),
        "labels": labels,
        "cost_matrix": matrix.tolist(),
        "candidates": comparison,
        "review_cutoff": round(best_point["cutoff"], 6),
        "review_cost": cfg.automation.review_cost,
        "top_features": top_features(pipeline, cfg.evaluation.top_features, labels),
        "oof_probabilities": np.round(p, 6).tolist(),
        "oof_target": [int(v) for v in y],
    }
    write_model(
        cfg,
        pipeline,
        training,
        summary,
        started,
        {
            "threshold": None,
            "review_cutoff": best_point["cutoff"],
            "labels": labels,
            "actions": {},
            "costs": {"matrix": matrix.tolist()},
        },
    )
    return training


def write_model(
    cfg: Config,
    pipeline: Any,
    training: dict[str, Any],
    summary: dict[str, Any],
    started: float,
    decision: dict[str, Any],
) -> None:
    """The training summary, then the model with its metadata (`decision`: how it
    decides, which differs between two labels and more)."""
    selected, comparison = training["selected"], training["candidates"]
    cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.training_summary.write_text(json.dumps(training, indent=1) + "\n", encoding="utf-8")
    save_model(
        pipeline,
        cfg.paths.model,
        cfg.paths.model_metadata,
        {
            "task": training["task"],
            "model_name": selected,
            "model_description": NAMES[selected],
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_seconds": round(time.perf_counter() - started, 2),
            "data_file": summary["ingest"]["file"],
            "data_sha256": summary["ingest"]["sha256"],
            **decision,
            "classes": summary["split"]["classes"],
            "normalise": cfg.normalise.model_dump(),
            "max_chars": cfg.data.max_chars,
            "headline_metrics": {
                "cv_cost_per_1k": comparison[selected]["cost_per_1k"],
                "cv_macro_f1": comparison[selected]["macro_f1"],
            },
            "versions": _versions(),
        },
    )


def label_indices(messages: list[Message], labels: list[str]) -> IntArray:
    """Each message's label as its position in `labels` (sorted)."""
    index = {label: k for k, label in enumerate(labels)}
    return np.array([index[m.label] for m in messages], dtype=np.int64)


def score_multiclass(held: list[tuple[IntArray, Any]], y: IntArray, matrix: Any) -> dict[str, Any]:
    """Cost per 1,000 and macro F1 per fold, each fold decided by least expected cost."""
    cost, f1 = [], []
    for rows, probabilities in held:
        decided = mc.decide(probabilities, matrix)
        cost.append(float(mc.row_costs(y[rows], decided, matrix).mean()) * 1000)
        f1.append(
            f1_score(
                y[rows], decided, labels=range(matrix.shape[0]), average="macro", zero_division=0.0
            )
        )
    return {
        "cost_per_1k": fold_mean(cost).rounded(3).model_dump(),
        "cost_per_1k_se": round(float(np.std(cost, ddof=1) / np.sqrt(len(cost))), 3),
        "macro_f1": fold_mean(f1).rounded(4).model_dump(),
        "fold_cost_per_1k": [round(c, 3) for c in cost],
        "fold_macro_f1": [round(float(v), 4) for v in f1],
    }


def labels_of(messages: list[Message], positive_class: str) -> IntArray:
    """1 for the positive class, 0 otherwise."""
    return np.array([int(m.label == positive_class) for m in messages], dtype=np.int64)


def out_of_fold(held: list[HeldOut], n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The held-out probabilities of one repeat, back in training-row order."""
    p = np.full(n, np.nan)
    for fold in held:
        p[fold.rows] = fold.scores
    if np.isnan(p).any():
        raise ValueError("the folds must cover every training message exactly once")
    return p


def score_candidate(held: list[HeldOut], grid: Any, costs: Costs) -> dict[str, Any]:
    """Cost per 1,000 and macro F1 per fold, each fold decided at the threshold chosen
    on the other folds, so no fold is scored at a threshold chosen on its own labels."""
    curves = fold_curves(held, grid, costs)
    cost, f1, thresholds = [], [], []
    for j, fold in enumerate(held):
        t = best_threshold(np.delete(curves, j, axis=0), grid)
        decided = flag(fold.scores, t)
        cost.append(expected_cost(confusion_counts(fold.y, decided), costs) * 1000)
        f1.append(f1_score(fold.y, decided, average="macro", zero_division=0.0))
        thresholds.append(round(t, 4))
    return {
        "cost_per_1k": fold_mean(cost).rounded(3).model_dump(),
        "cost_per_1k_se": round(float(np.std(cost, ddof=1) / np.sqrt(len(cost))), 3),
        "macro_f1": fold_mean(f1).rounded(4).model_dump(),
        "fold_thresholds": thresholds,
        "fold_cost_per_1k": [round(float(c), 3) for c in cost],
        "fold_macro_f1": [round(float(v), 4) for v in f1],
    }


def select(comparison: dict[str, Any], order: tuple[str, ...]) -> str:
    """Lowest mean CV cost, but the simplest candidate within one SE of it (one-SE rule)."""
    best = min(order, key=lambda n: comparison[n]["cost_per_1k"]["estimate"])
    limit = comparison[best]["cost_per_1k"]["estimate"] + comparison[best]["cost_per_1k_se"]
    return next(n for n in order if comparison[n]["cost_per_1k"]["estimate"] <= limit)


def _versions() -> dict[str, str]:
    names = ["scikit-learn", "numpy", "scipy", "skops"]
    return {"python": platform.python_version()} | {n: importlib_metadata.version(n) for n in names}
