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

from .artefact import save_model
from .binary.costs import Costs, bayes_threshold, confusion_counts, expected_cost, flag
from .binary.threshold import HeldOut, best_threshold, fold_curves, study, threshold_grid
from .config import Config
from .core.stats import fold_mean
from .decision import automation_curve, cutoff_grid
from .deduplicate import Message, duplicate_groups
from .modelling import NAMES, candidate, out_of_fold_probabilities, top_features
from .prepare import load_split
from .split import IntArray, folds


def run(cfg: Config) -> dict[str, Any]:
    started = time.perf_counter()
    train, _test_not_read, summary = load_split(cfg)
    del _test_not_read
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
        "selected": selected,
        "selection_rule": (
            "lowest mean cross-validated cost per 1,000 messages; a simpler candidate "
            "within one standard error of the best is preferred"
        ),
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
    cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.training_summary.write_text(json.dumps(training, indent=1) + "\n", encoding="utf-8")
    save_model(
        pipeline,
        cfg.paths.model,
        cfg.paths.model_metadata,
        {
            "model_name": selected,
            "model_description": NAMES[selected],
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_seconds": round(time.perf_counter() - started, 2),
            "data_file": summary["ingest"]["file"],
            "data_sha256": summary["ingest"]["sha256"],
            "threshold": threshold,
            "review_cutoff": best_point.cutoff,
            "classes": summary["split"]["classes"],
            "actions": {
                "positive": cfg.decision.positive_action,
                "negative": cfg.decision.negative_action,
            },
            "costs": {
                "false_positive": costs.false_positive,
                "false_negative": costs.false_negative,
            },
            "normalise": cfg.normalise.model_dump(),
            "max_chars": cfg.data.max_chars,
            "headline_metrics": {
                "cv_cost_per_1k": comparison[selected]["cost_per_1k"],
                "cv_macro_f1": comparison[selected]["macro_f1"],
            },
            "versions": _versions(),
        },
    )
    return training


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
    }


def select(comparison: dict[str, Any], order: tuple[str, ...]) -> str:
    """Lowest mean CV cost, but the simplest candidate within one SE of it (one-SE rule)."""
    best = min(order, key=lambda n: comparison[n]["cost_per_1k"]["estimate"])
    limit = comparison[best]["cost_per_1k"]["estimate"] + comparison[best]["cost_per_1k_se"]
    return next(n for n in order if comparison[n]["cost_per_1k"]["estimate"] <= limit)


def _versions() -> dict[str, str]:
    names = ["scikit-learn", "numpy", "scipy", "skops"]
    return {"python": platform.python_version()} | {n: importlib_metadata.version(n) for n in names}
