"""Stage `train`: compare candidates by repeated cross-validation, choose the threshold
from the costs on the same folds, measure calibration, and save the serving model.

The test rows are never read here: every choice (model family, threshold, calibration,
whether the audited columns are features) is made on the training rows.
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import FixedThresholdClassifier

from . import results
from .artefact import save_model
from .binary.calibration import Sigmoid, cross_validated_calibration, fit_sigmoid, measure
from .binary.costs import Costs, bayes_threshold
from .binary.threshold import (
    HeldOut,
    cross_validated_row_costs,
    fold_curves,
    study,
    threshold_by_cost_ratio,
    threshold_grid,
)
from .config import Config
from .core.stats import Bootstrap, mean, mean_difference
from .core.threads import single_threaded
from .data import Dataset, infer_schema
from .modelling import candidate, fold_calibration, model_data, out_of_fold
from .prepare import load_split

SELECTION_RULE = (
    "lowest mean cross-validated cost per decision; a simpler candidate is preferred "
    "while the paired bootstrap interval of its cost minus the cheapest one's includes zero"
)
# Cost ratios C_fn/C_fp, as factors on the configured one, for the threshold-vs-ratio figure.
RATIO_FACTORS = tuple(float(f) for f in np.geomspace(0.2, 5.0, 15))


@single_threaded
def run(cfg: Config) -> results.TrainingSummary:
    started = time.perf_counter()
    train, _, split = load_split(cfg)
    summary, model, served = fit(train, cfg)
    results.write(cfg.paths.training_summary, summary)
    save_model(
        model,
        cfg.paths.model,
        cfg.paths.model_metadata,
        _metadata(cfg, summary, served, split, time.perf_counter() - started),
    )
    return summary


def fit(train: Dataset, cfg: Config) -> tuple[results.TrainingSummary, Any, Dataset]:
    """Every training decision, from the training rows alone: summary, model, its data."""
    costs = Costs(cfg.costs.false_positive, cfg.costs.false_negative)
    seed, k = cfg.training.seed, cfg.training.cv_folds
    seeds = [seed + r for r in range(cfg.training.cv_repeats)]
    grid = threshold_grid()
    setting = cfg.bootstrap
    data = model_data(train, cfg.subgroups.columns, as_features=cfg.subgroups.as_features)
    y = data.target

    held: dict[str, list[HeldOut]] = {}
    row_costs: dict[str, npt.NDArray[np.float64]] = {}
    for name in cfg.training.candidates:
        pipeline = candidate(name, data.numeric_columns, data.categorical_columns, seed)
        held[name] = out_of_fold(pipeline, data.features, y, k, seeds)
        row_costs[name] = cross_validated_row_costs(held[name], grid, costs, len(y))
    candidates = compare(cfg.training.candidates, held, row_costs, setting)
    selected = select(candidates, cfg.training.candidates)
    folds = held[selected]
    # Everything from here on is on the scale of the served score: Platt-scaled (each
    # fold by a sigmoid fitted on the other folds) when calibration is served.
    calibration, sigmoid = calibration_study(
        folds,
        foldable=selected == "logistic_regression",
        max_error=cfg.training.max_calibration_error,
    )
    if sigmoid is not None:
        folds = cross_validated_calibration(folds)
    threshold_study = study(folds, grid, costs)
    threshold = threshold_study.chosen

    other = model_data(train, cfg.subgroups.columns, as_features=not cfg.subgroups.as_features)
    other_pipeline = candidate(selected, other.numeric_columns, other.categorical_columns, seed)
    other_costs = cross_validated_row_costs(
        out_of_fold(other_pipeline, other.features, y, k, seeds), grid, costs, len(y)
    )
    variants = sorted(
        [
            _variant(cfg.subgroups.as_features, data, row_costs[selected], setting),
            _variant(not cfg.subgroups.as_features, other, other_costs, setting),
        ],
        key=lambda v: v.audited_as_features,
    )
    with_audited, without = (
        (other_costs, row_costs[selected])
        if not cfg.subgroups.as_features
        else (row_costs[selected], other_costs)
    )

    pipeline = candidate(selected, data.numeric_columns, data.categorical_columns, seed)
    pipeline.fit(data.features, y)
    if sigmoid is not None and not fold_calibration(pipeline, sigmoid):
        raise RuntimeError("calibration was chosen for a model it cannot be folded into")
    model = FixedThresholdClassifier(FrozenEstimator(pipeline), threshold=threshold)
    model.fit(data.features, y)

    factors = (1 - cfg.evaluation.cost_ratio_shift, 1 + cfg.evaluation.cost_ratio_shift)
    curves = fold_curves(folds, grid, costs) * 1000
    summary = results.TrainingSummary(
        selected=selected,
        selection_rule=SELECTION_RULE,
        cv_folds=k,
        cv_repeats=len(seeds),
        seed=seed,
        candidates=candidates,
        threshold_study=threshold_study,
        served_threshold=threshold,
        formula_threshold=round(bayes_threshold(costs), 6),
        calibration=calibration,
        audited_as_features=cfg.subgroups.as_features,
        feature_variants=variants,
        variant_difference_per_1k=mean_difference(
            with_audited.mean(axis=0), without.mean(axis=0), setting
        )
        .scaled(1000)
        .rounded(3),
        cost_ratios=_ratios(folds, grid, costs, RATIO_FACTORS),
        sensitivity=_ratios(folds, grid, costs, factors),
        curves=results.FoldCurves(
            grid=[round(float(t), 6) for t in grid],
            per_1k=[[round(float(c), 3) for c in row] for row in curves],
            repeats=[f.repeat for f in folds],
        ),
    )
    return summary, model, data


def compare(
    names: Sequence[str],
    held: dict[str, list[HeldOut]],
    row_costs: dict[str, npt.NDArray[np.float64]],
    setting: Bootstrap,
) -> list[results.Candidate]:
    """Each candidate's cross-validated cost (interval over rows, spread over repeats)."""
    per_row = {name: row_costs[name].mean(axis=0) for name in names}
    best = min(names, key=lambda name: float(per_row[name].mean()))
    out = []
    for name in names:
        repeats = row_costs[name].mean(axis=1)
        pooled = held[name]
        out.append(
            results.Candidate(
                name=name,
                cost_per_1k=mean(per_row[name], setting).scaled(1000).rounded(3),
                cost_spread=results.Spread(
                    low=round(float(repeats.min()) * 1000, 3),
                    high=round(float(repeats.max()) * 1000, 3),
                ),
                difference_to_best=mean_difference(per_row[name], per_row[best], setting)
                .scaled(1000)
                .rounded(3),
                roc_auc=round(_mean_over_repeats(pooled, _auc), 4),
                brier=round(_mean_over_repeats(pooled, _brier), 4),
            )
        )
    return out


def select(candidates: Sequence[results.Candidate], order: Sequence[str]) -> str:
    """The simplest candidate not clearly costlier than the cheapest (see SELECTION_RULE)."""
    by_name = {c.name: c for c in candidates}
    for name in order:
        low = by_name[name].difference_to_best.low
        if low is None or low <= 0:
            return name
    raise ValueError("no candidate to select")


def calibration_study(
    folds: list[HeldOut], *, foldable: bool, max_error: float
) -> tuple[results.CalibrationStudy, Sigmoid | None]:
    """Raw and Platt-scaled scores, both measured on rows they were not fitted on.

    The sigmoid is served when it lowers the cross-validated Brier score and can be
    folded into the model (a logistic regression); the served score is called
    calibrated when its cross-validated calibration error is at most `max_error`
    (`[training] max_calibration_error`).
    """
    y = np.concatenate([f.y for f in folds])
    raw = measure(y, np.concatenate([f.scores for f in folds]))
    scaled = cross_validated_calibration(folds)
    calibrated = measure(y, np.concatenate([f.scores for f in scaled]))
    use_sigmoid = foldable and calibrated.brier < raw.brier
    served = calibrated if use_sigmoid else raw
    is_calibrated = served.calibration_error <= max_error
    reason = (
        f"{'Platt-scaled' if use_sigmoid else 'raw'} scores are served; their calibration "
        f"error {served.calibration_error:.3f} is "
        f"{'within' if is_calibrated else 'above'} {max_error:g}"
    )
    sigmoid = fit_sigmoid(y, np.concatenate([f.scores for f in folds])) if use_sigmoid else None
    return (
        results.CalibrationStudy(
            raw=raw,
            calibrated=calibrated,
            platt_served=use_sigmoid,
            served_calibrated=is_calibrated,
            reason=reason,
        ),
        sigmoid,
    )


def _variant(
    audited: bool, data: Dataset, row_costs: npt.NDArray[np.float64], setting: Bootstrap
) -> results.FeatureVariant:
    repeats = row_costs.mean(axis=1)
    return results.FeatureVariant(
        audited_as_features=audited,
        features=list(data.features.columns),
        cost_per_1k=mean(row_costs.mean(axis=0), setting).scaled(1000).rounded(3),
        cost_spread=results.Spread(
            low=round(float(repeats.min()) * 1000, 3), high=round(float(repeats.max()) * 1000, 3)
        ),
    )


def _ratios(
    folds: list[HeldOut], grid: Any, costs: Costs, factors: Sequence[float]
) -> list[results.CostRatioPoint]:
    return [
        results.CostRatioPoint(
            ratio=round(ratio, 6),
            threshold=round(threshold, 6),
            formula_threshold=round(1 / (1 + ratio), 6),
        )
        for ratio, threshold in threshold_by_cost_ratio(folds, grid, costs, factors)
    ]


def _mean_over_repeats(folds: list[HeldOut], metric: Any) -> float:
    repeats = sorted({f.repeat for f in folds})
    values = []
    for r in repeats:
        mine = [f for f in folds if f.repeat == r]
        values.append(
            metric(np.concatenate([f.y for f in mine]), np.concatenate([f.scores for f in mine]))
        )
    return float(np.mean(values))


def _auc(y: Any, scores: Any) -> float:
    return float(roc_auc_score(y, scores))


def _brier(y: Any, scores: Any) -> float:
    return float(brier_score_loss(y, scores))


def _metadata(
    cfg: Config,
    summary: results.TrainingSummary,
    data: Dataset,
    split: dict[str, Any],
    seconds: float,
) -> dict[str, Any]:
    chosen = summary.candidate(summary.selected)
    return {
        "model_name": summary.selected,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(seconds, 2),
        "data_file": cfg.data.path.name,
        "data_sha256": split["data_sha256"],
        "git_commit": _git_commit(cfg),
        "threshold": summary.served_threshold,
        # True only when the served score's cross-validated calibration error is small:
        # then (and only then) the API may call the score a probability.
        "calibrated": summary.calibration.served_calibrated,
        "classes": {"negative": data.classes[0], "positive": data.classes[1]},
        "actions": {
            "positive": cfg.decision.positive_action,
            "negative": cfg.decision.negative_action,
        },
        "costs": {
            "false_positive": cfg.costs.false_positive,
            "false_negative": cfg.costs.false_negative,
        },
        "feature_schema": infer_schema(data).to_dict(),
        "headline_metrics": {
            "cv_cost_per_1k": chosen.cost_per_1k.model_dump(),
            "cv_roc_auc": chosen.roc_auc,
        },
        "versions": _versions(),
    }


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
