"""Stage `train`: compare candidates by nested cross-validation, tune the threshold on
the costs, check calibration, and save the serving model with its metadata.

The test rows are never read here: every choice (model family, threshold, the
sensitivity of the threshold to the cost ratio) is made on the training rows.
"""

from __future__ import annotations

import json
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import FixedThresholdClassifier, cross_val_predict, cross_validate

from .artefact import save_model
from .binary.costs import Costs, bayes_threshold, cost_scorer
from .config import Config
from .data import Dataset, infer_schema
from .modelling import candidate, decision_model, fitted_threshold, folds
from .prepare import load_split
from .stats import calibration_bins, cv_interval


def run(cfg: Config) -> dict[str, Any]:
    started = time.perf_counter()
    train, _, split = load_split(cfg)
    costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
    seed, k = cfg.training.seed, cfg.training.cv_folds
    X, y = train.features, train.target

    comparison = compare_candidates(train, costs, cfg)
    selected = select(comparison, cfg.training.candidates)
    pipeline = candidate(selected, train.numeric_columns, train.categorical_columns, seed)

    tuned = decision_model(pipeline, costs, k, seed + 1).fit(X, y)
    threshold = fitted_threshold(tuned)
    sensitivity = []
    for factor in (1 - cfg.evaluation.cost_ratio_shift, 1 + cfg.evaluation.cost_ratio_shift):
        shifted = costs.scaled(factor)
        other = decision_model(clone(pipeline), shifted, k, seed + 1).fit(X, y)
        sensitivity.append(
            {
                "factor": round(factor, 6),
                "cost_false_positive": shifted.false_positive,
                "cost_false_negative": round(shifted.false_negative, 6),
                "threshold": round(fitted_threshold(other), 4),
            }
        )

    oof = cross_val_predict(clone(pipeline), X, y, cv=folds(k, seed), method="predict_proba")[:, 1]
    calibration = {
        "oof_brier": round(float(brier_score_loss(y, oof)), 4),
        "oof_mean_probability": round(float(oof.mean()), 4),
        "positive_rate": round(float(y.mean()), 6),
        "bins": calibration_bins(y, oof),
    }

    model = FixedThresholdClassifier(FrozenEstimator(tuned.estimator_), threshold=threshold)
    model.fit(X, y)
    summary = {
        "selected": selected,
        "selection_rule": (
            "lowest mean cross-validated cost per decision; a simpler candidate within one "
            "standard error of the best is preferred"
        ),
        "cv_folds": k,
        "seed": seed,
        "candidates": comparison,
        "threshold": round(threshold, 4),
        "bayes_threshold": round(bayes_threshold(costs), 6),
        "sensitivity": sensitivity,
        "calibration": calibration,
        "oof_probabilities": [round(float(p), 6) for p in oof],
        "oof_target": [int(v) for v in y],
    }
    cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.training_summary.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")

    schema = infer_schema(train)
    seconds = time.perf_counter() - started
    save_model(
        model,
        cfg.paths.model,
        cfg.paths.model_metadata,
        {
            "model_name": selected,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_seconds": round(seconds, 2),
            "data_file": cfg.data.path.name,
            "data_sha256": split["data_sha256"],
            "git_commit": _git_commit(cfg),
            "threshold": threshold,
            "classes": {"negative": train.classes[0], "positive": train.classes[1]},
            "actions": {
                "positive": cfg.decision.positive_action,
                "negative": cfg.decision.negative_action,
            },
            "costs": {
                "false_positive": costs.false_positive,
                "false_negative": costs.false_negative,
            },
            "feature_schema": schema.to_dict(),
            "headline_metrics": {
                "cv_cost_per_1k": comparison[selected]["cost_per_1k"],
                "cv_roc_auc": comparison[selected]["roc_auc"],
            },
            "versions": _versions(),
        },
    )
    return summary


def compare_candidates(train: Dataset, costs: Costs, cfg: Config) -> dict[str, Any]:
    """Nested CV: each candidate with its own cost-tuned threshold, scored on outer folds.

    Scoring the whole procedure (fit, then tune the threshold inside the training folds)
    compares what would actually be deployed, not the models at an arbitrary 0.5.
    """
    seed, k = cfg.training.seed, cfg.training.cv_folds
    results: dict[str, Any] = {}
    for name in cfg.training.candidates:
        pipeline = candidate(name, train.numeric_columns, train.categorical_columns, seed)
        scores = cross_validate(
            decision_model(pipeline, costs, k, seed + 1),
            train.features,
            train.target,
            cv=folds(k, seed),
            scoring={"cost": cost_scorer(costs), "roc_auc": "roc_auc", "brier": "neg_brier_score"},
        )
        cost = -scores["test_cost"] * 1000
        results[name] = {
            "cost_per_1k": cv_interval(cost).as_dict(3),
            "cost_per_1k_se": round(float(np.std(cost, ddof=1) / np.sqrt(len(cost))), 3),
            "roc_auc": cv_interval(scores["test_roc_auc"]).as_dict(4),
            "brier": cv_interval(-scores["test_brier"]).as_dict(4),
        }
    return results


def select(comparison: dict[str, Any], order: tuple[str, ...]) -> str:
    """Lowest mean CV cost, but the simplest candidate within one SE of it (one-SE rule)."""
    best = min(order, key=lambda n: comparison[n]["cost_per_1k"]["value"])
    limit = comparison[best]["cost_per_1k"]["value"] + comparison[best]["cost_per_1k_se"]
    return next(n for n in order if comparison[n]["cost_per_1k"]["value"] <= limit)


def _git_commit(cfg: Config) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cfg.paths.models_dir.parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _versions() -> dict[str, str]:
    names = ["scikit-learn", "numpy", "pandas", "skops"]
    return {"python": platform.python_version()} | {n: importlib_metadata.version(n) for n in names}
