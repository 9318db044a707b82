"""Stage `evaluate`: every trained model on the test split, into `reports/metrics.json`
(through the schema in `results.py`: a document it rejects is never written).

Ranking metrics are means over the evaluated users (known users with at least one
relevant test item), each with a bootstrap interval over users, and for every model a
signed, paired difference against the most-popular baseline over the same users.
Everything here is deterministic for a given data file, config and seed: no timings,
dates or paths, so a rerun leaves `metrics.json` byte-identical. Training time, latency
and throughput are measured by `make bench`, into `reports/bench.json`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt

from . import metrics
from .bundle import Bundle, BundleError, load_verified
from .config import Config
from .core import stats
from .core.threads import single_threaded
from .evaluation import UserResults, beyond_accuracy, evaluate_model, head_items, segment_recall
from .matrix import Fold
from .models import nbytes, top_k
from .prepare import evaluation_fold, load_split
from .results import write_metrics
from .service import BASELINE


def setting(cfg: Config) -> stats.Bootstrap:
    """The project's one bootstrap setting, from [evaluation] and the seed."""
    return stats.Bootstrap(
        resamples=cfg.evaluation.bootstrap_samples,
        seed=cfg.training.seed,
        confidence=cfg.evaluation.confidence,
    )


@single_threaded
def run(cfg: Config) -> dict[str, Any]:
    data, parts, split = load_split(cfg)
    fold = evaluation_fold(data, parts, cfg)
    bundle = load_verified(cfg.paths.model("bundle"), cfg.paths.model_metadata("bundle"))
    _check_same_fold(bundle, fold)
    training = json.loads(cfg.paths.training_summary.read_text(encoding="utf-8"))
    boot = setting(cfg)
    k_max, headline_k = cfg.evaluation.k_max, cfg.training.selection[1]

    popularity = np.asarray(fold.seen.sum(axis=0), dtype=np.float64).ravel()
    unit = metrics.unit_item_vectors(fold.seen)
    head = head_items(popularity, cfg.evaluation.head_share)
    activity = np.diff(fold.seen.indptr)[fold.eval_users]
    light_max = float(np.median(activity))
    light = activity <= light_max
    relevant_rows = fold.relevant[fold.eval_users].toarray() > 0

    results = {name: evaluate_model(model, fold, k_max) for name, model in bundle.models.items()}
    baseline = results[BASELINE]
    models: dict[str, Any] = {}
    for name, res in results.items():
        per_user = {
            f"{metric}@{k}": res.ranking(metric, k)
            for metric in metrics.RANKING
            for k in cfg.evaluation.k
        }
        differences = (
            {
                f"{key}": values - baseline.ranking(*_split_key(key))
                for key, values in per_user.items()
            }
            if name != BASELINE
            else {}
        )
        lists = res.lists[:, :headline_k]
        catalogue, beyond_per_user = beyond_accuracy(lists, popularity, fold.seen.shape[0], unit)
        tail_listed = np.where(lists >= 0, ~head[np.where(lists >= 0, lists, 0)], False)
        beyond_per_user["tail_share"] = tail_listed.mean(axis=1)
        # One set of resamples for every mean over the evaluated users: paired throughout.
        batch = (
            {f"ranking/{key}": v for key, v in per_user.items()}
            | {f"vs_baseline/{key}": v for key, v in differences.items()}
            | {f"beyond/{key}": v for key, v in beyond_per_user.items() if np.isfinite(v).all()}
        )
        intervals = stats.means(batch, boot)
        for key, values in beyond_per_user.items():
            if f"beyond/{key}" not in batch:  # e.g. lists shorter than two items
                intervals[f"beyond/{key}"] = stats.mean(values[np.isfinite(values)], boot)
        entry: dict[str, Any] = {
            "params": bundle.models[name].params(),
            "memory_bytes": nbytes(bundle.models[name]),
            "ranking": {key: _iv(intervals[f"ranking/{key}"]) for key in per_user},
        }
        if differences:
            entry["vs_baseline"] = {key: _iv(intervals[f"vs_baseline/{key}"]) for key in per_user}
        entry["beyond"] = {key: round(value, 6) for key, value in catalogue.items()} | {
            key: _iv(intervals[f"beyond/{key}"]) for key in beyond_per_user
        }
        if name != bundle.served:
            served = results[bundle.served]
            entry["vs_served"] = {
                key: _iv(iv)
                for key, iv in stats.means(
                    {
                        f"{metric}@{headline_k}": res.ranking(metric, headline_k)
                        - served.ranking(metric, headline_k)
                        for metric in ("ndcg", "recall", "hit_rate")
                    },
                    boot,
                ).items()
            }
        entry["segments"] = _segments(
            res, baseline, name, relevant_rows, head, light, headline_k, boot
        )
        models[name] = entry

    summary = split["summary"]
    metrics_json = {
        "data": {
            "file": cfg.data.path.name,
            "sha256": split["data_sha256"],
            "interactions": summary["interactions"],
            "users": summary["users"],
            "items": summary["items"],
            "density": summary["density"],
            "positives": summary["positives"],
            "positive_rule": summary["positive_rule"],
            "interactions_per_user": summary["interactions_per_user"],
            "interactions_per_item": summary["interactions_per_item"],
        },
        "split": {
            key: summary[key]
            for key in (
                "method",
                "time_column",
                "time_counts_back",
                "test_cut",
                "validation_cut",
                "time_steps",
                "parts",
                "test",
                "validation",
            )
        },
        "wording": cfg.wording.model_dump(),
        "k": list(cfg.evaluation.k),
        "headline_k": headline_k,
        "served_model": bundle.served,
        "skipped": training["skipped"],
        "selection": {
            "metric": cfg.training.selection_metric,
            "accuracy_tolerance": cfg.decision.accuracy_tolerance,
            "fit_on": cfg.training.fit_on,
            "validation": {
                name: {
                    "params": t["best"]["params"],
                    "score": t["best"]["score"],
                    "coverage": t["best"]["coverage"],
                    "tried": t["tried"],
                }
                for name, t in training["tuning"].items()
            },
        },
        "segments": {
            "light_max_interactions": light_max,
            "light_users": int(light.sum()),
            "heavy_users": int((~light).sum()),
            "head_share": cfg.evaluation.head_share,
            "head_items": int(head.sum()),
            "tail_items": int((~head).sum()),
        },
        "models": models,
        "cold_start": _cold_start(bundle, fold, headline_k, boot),
        "bootstrap": {
            "resamples": boot.resamples,
            "seed": boot.seed,
            "method": boot.method,
            "confidence": boot.confidence,
            "over": "evaluated users",
            "described": boot.describe(),
        },
    }
    write_metrics(cfg.paths.metrics, metrics_json)
    return metrics_json


def _segments(
    res: UserResults,
    baseline: UserResults,
    name: str,
    relevant_rows: npt.NDArray[np.bool_],
    head: npt.NDArray[np.bool_],
    light: npt.NDArray[np.bool_],
    k: int,
    boot: stats.Bootstrap,
) -> dict[str, Any]:
    """Accuracy by user activity and by item popularity, each with its denominators."""
    ndcg, base_ndcg = res.ranking("ndcg", k), baseline.ranking("ndcg", k)
    recall = res.ranking("recall", k)
    out: dict[str, Any] = {"user_activity": {}, "item_popularity": {}}
    for label, mask in (("light", light), ("heavy", ~light)):
        batch = {f"ndcg@{k}": ndcg[mask], f"recall@{k}": recall[mask]}
        if name != BASELINE:
            batch[f"ndcg@{k}_vs_baseline"] = ndcg[mask] - base_ndcg[mask]
        intervals = stats.means(batch, boot)
        out["user_activity"][label] = {"users": int(mask.sum())} | {
            key: _iv(value) for key, value in intervals.items()
        }
    for label, segment in (("head", head), ("tail", ~head)):
        values, n_relevant = segment_recall(res, relevant_rows, segment, k)
        out["item_popularity"][label] = {
            "users": len(values),
            "relevant_items": n_relevant,
            f"recall@{k}": _iv(stats.means({"recall": values}, boot)["recall"]),
        }
    return out


def _cold_start(bundle: Bundle, fold: Fold, k: int, boot: stats.Bootstrap) -> dict[str, Any]:
    """Test users absent from training get the most-popular list: how well it serves them."""
    columns = {str(item): i for i, item in enumerate(bundle.index.items)}
    users = sorted(fold.cold_user_positives)
    relevant = np.zeros((len(users), len(columns)), dtype=bool)
    for row, user in enumerate(users):
        for item in fold.cold_user_positives[user]:
            if item in columns:
                relevant[row, columns[item]] = True
    reachable = relevant.any(axis=1)
    out: dict[str, Any] = {
        "users": len(fold.cold_users),
        "users_with_positives": len(users),
        "evaluated_users": int(reachable.sum()),
        "fallback": BASELINE,
    }
    if reachable.any():
        scores = bundle.models[BASELINE].score_one(np.zeros(0, dtype=np.int64))
        lists = np.repeat(top_k(scores[None, :], k), int(reachable.sum()), axis=0)
        hits = metrics.hit_matrix(lists, relevant[reachable])
        n_relevant = relevant[reachable].sum(axis=1)
        for metric in ("hit_rate", "recall", "ndcg"):
            values = metrics.RANKING[metric](hits, n_relevant, k)
            out[f"{metric}@{k}"] = _iv(stats.means({metric: values}, boot)[metric])
    return out


def _split_key(key: str) -> tuple[str, int]:
    metric, _, k = key.partition("@")
    return metric, int(k)


def _check_same_fold(bundle: Bundle, fold: Fold) -> None:
    """The saved models must have been trained on exactly this training part."""
    same = (
        np.array_equal(bundle.index.users, fold.index.users)
        and np.array_equal(bundle.index.items, fold.index.items)
        and bundle.seen.nnz == fold.seen.nnz
        and (bundle.seen != fold.seen).nnz == 0
    )
    if not same:
        raise BundleError("the trained models do not match the current split; run `make train`")


def _iv(interval: stats.Interval) -> dict[str, Any]:
    """An interval as rounded JSON: estimate, bounds and the number of users behind it."""
    r = interval.rounded(6)
    return {"value": r.estimate, "low": r.low, "high": r.high, "n": r.denominator}
