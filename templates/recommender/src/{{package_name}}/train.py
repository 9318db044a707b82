"""Stage `train`: choose hyperparameters on the validation split, pick the served model,
refit every candidate on all training interactions and save the bundle.

A candidate whose optional package is not installed (ALS without `implicit`) is skipped,
and the reason travels to `metrics.json` and the reports.

The test interactions are never read here: every choice is made on the inner split
(training interactions before the validation cut against those after it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import metrics
from .bundle import save_bundle
from .config import Config
from .core.threads import single_threaded
from .evaluation import evaluate_model
from .matrix import Fold
from .models import Recommender, build, grid, nbytes, unavailable
from .prepare import evaluation_fold, load_split, validation_fold


@single_threaded
def run(cfg: Config) -> dict[str, Any]:
    data, parts, split = load_split(cfg)
    candidates = [n for n in cfg.training.candidates if unavailable(n) is None]
    skipped = {n: why for n in cfg.training.candidates if (why := unavailable(n)) is not None}
    inner = validation_fold(data, parts, cfg)
    tuning = tune(inner, cfg, candidates)
    served = choose(tuning, cfg.decision.accuracy_tolerance)

    full = evaluation_fold(data, parts, cfg)
    fitted: dict[str, Recommender] = {}
    fit_seconds: dict[str, float] = {}
    for name in candidates:
        started = time.perf_counter()
        model = build(name, tuning[name]["best"]["params"], cfg.training.seed)
        fitted[name] = model.fit(full.fit)
        fit_seconds[name] = round(time.perf_counter() - started, 4)

    metadata = {
        "served_model": served,
        "candidates": candidates,
        "skipped": skipped,
        "models": {
            name: {
                "params": model.params(),
                "bytes": nbytes(model),
                "fit_seconds": fit_seconds[name],
            }
            for name, model in fitted.items()
        },
        "fit_on": cfg.training.fit_on,
        "data_file": cfg.data.path.name,
        "data_sha256": split["data_sha256"],
        "users": int(full.fit.shape[0]),
        "items": int(full.fit.shape[1]),
        # Test-split users for the demo page's examples: the first few, in ID order.
        "example_users": [str(u) for u in full.index.users[full.eval_users[:5]]],
        "model_name": served,
    }
    cfg.paths.models_dir.mkdir(parents=True, exist_ok=True)
    save_bundle(
        cfg.paths.model("bundle"), cfg.paths.model_metadata("bundle"), full, fitted, metadata
    )
    summary = {
        "served_model": served,
        "selection": cfg.training.selection_metric,
        "tuning": tuning,
        "skipped": skipped,
    }
    cfg.paths.training_summary.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def tune(fold: Fold, cfg: Config, candidates: Sequence[str]) -> dict[str, Any]:
    """Every setting of every candidate, scored on the validation split.

    Per setting: the selection metric (mean over validation users) and the catalogue
    coverage of the same lists; per model, the best setting by the selection metric.
    """
    metric, k = cfg.training.selection
    results: dict[str, Any] = {}
    for name in candidates:
        tried = []
        for params in grid(name, cfg.training):
            model = build(name, params, cfg.training.seed).fit(fold.fit)
            scored = evaluate_model(model, fold, k)
            tried.append(
                {
                    "params": params,
                    "score": round(float(np.mean(scored.ranking(metric, k))), 6),
                    "coverage": round(
                        metrics.catalogue_coverage(scored.lists, fold.fit.shape[1]), 6
                    ),
                }
            )
        # The first of equal scores wins: grids run from the simplest setting up.
        best = max(tried, key=lambda t: (t["score"], -tried.index(t)))
        results[name] = {"tried": tried, "best": best}
    return results


def choose(tuning: dict[str, Any], tolerance: float) -> str:
    """The most accurate model on validation, unless one within `tolerance` of its
    score (relative) covers more of the catalogue: then the widest-covering of those.

    >>> choose({"a": {"best": {"score": 0.30, "coverage": 0.5}},
    ...         "b": {"best": {"score": 0.29, "coverage": 0.8}}}, 0.05)
    'b'
    """
    best = max(tuning, key=lambda n: tuning[n]["best"]["score"])
    floor = tuning[best]["best"]["score"] * (1 - tolerance)
    close = [n for n in tuning if tuning[n]["best"]["score"] >= floor]
    return max(close, key=lambda n: (tuning[n]["best"]["coverage"], tuning[n]["best"]["score"]))
