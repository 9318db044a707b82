"""Stage `data`: validate the configured CSV and fix the training, validation and test
split once, in `data/processed/`. Later stages refuse a data file changed since."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import Config
from .data import DataValidationError, Interactions, load_interactions
from .matrix import Fold, make_fold
from .split import INNER_TRAIN, TEST, VALIDATION, Cut, assign_parts


def run(cfg: Config) -> dict[str, Any]:
    data = load_interactions(cfg.data)
    parts, test_cut, validation_cut = assign_parts(
        data.users,
        data.time,
        cfg.split.test_fraction,
        cfg.split.validation_fraction,
        cfg.training.seed,
    )
    split = {
        "data_sha256": data.sha256,
        "seed": cfg.training.seed,
        "summary": summarise(data, parts, test_cut, validation_cut, cfg),
    }
    cfg.paths.processed_dir.mkdir(parents=True, exist_ok=True)
    np.save(cfg.paths.split_parts, parts, allow_pickle=False)
    cfg.paths.split.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    return split


def load_split(cfg: Config) -> tuple[Interactions, npt.NDArray[np.int8], dict[str, Any]]:
    """The validated interactions and their part codes, refusing a changed data file."""
    if not cfg.paths.split.is_file() or not cfg.paths.split_parts.is_file():
        raise DataValidationError("no data split yet; run `make data` first")
    split = json.loads(cfg.paths.split.read_text(encoding="utf-8"))
    data = load_interactions(cfg.data)
    if data.sha256 != split["data_sha256"]:
        raise DataValidationError(
            f"{cfg.data.path.name} changed since the split was made; run `make data` again"
        )
    parts = np.load(cfg.paths.split_parts, allow_pickle=False)
    if len(parts) != len(data):
        raise DataValidationError("the stored split does not match the data; run `make data`")
    return data, parts, split


def validation_fold(data: Interactions, parts: npt.NDArray[np.int8], cfg: Config) -> Fold:
    """Inner training part against the validation part: where hyperparameters are chosen."""
    return make_fold(
        data.subset(parts == INNER_TRAIN), data.subset(parts == VALIDATION), cfg.training.fit_on
    )


def evaluation_fold(data: Interactions, parts: npt.NDArray[np.int8], cfg: Config) -> Fold:
    """All training interactions (inner training and validation) against the test part."""
    return make_fold(data.subset(parts != TEST), data.subset(parts == TEST), cfg.training.fit_on)


def summarise(
    data: Interactions,
    parts: npt.NDArray[np.int8],
    test_cut: Cut,
    validation_cut: Cut,
    cfg: Config,
) -> dict[str, Any]:
    """Sizes and cold-start counts of both splits; no paths, no timestamps."""
    test_fold_counts = evaluation_fold(data, parts, cfg).counts
    validation_counts = validation_fold(data, parts, cfg).counts
    per_user = np.unique(data.users, return_counts=True)[1]
    per_item = np.unique(data.items, return_counts=True)[1]
    return {
        "interactions": len(data),
        "users": len(per_user),
        "items": len(per_item),
        "density": round(len(data) / (len(per_user) * len(per_item)), 6),
        "positives": int(data.positive.sum()),
        "positive_rule": (
            f"{cfg.data.rating_column} >= {cfg.data.positive_threshold:g}"
            if cfg.data.rating_column
            else "every interaction (implicit feedback)"
        ),
        "interactions_per_user": _quartiles(per_user),
        "interactions_per_item": _quartiles(per_item),
        "method": test_cut.method,
        "time_column": cfg.data.time_column or None,
        "time_counts_back": cfg.data.time_counts_back,
        "test_cut": _cut_value(test_cut, cfg),
        "validation_cut": _cut_value(validation_cut, cfg),
        "time_steps": None if data.time is None else len(np.unique(data.time)),
        "parts": {
            "inner_train": int((parts == INNER_TRAIN).sum()),
            "validation": int((parts == VALIDATION).sum()),
            "test": int((parts == TEST).sum()),
        },
        "test": test_fold_counts,
        "validation": validation_counts,
    }


def _cut_value(cut: Cut, cfg: Config) -> float | None:
    if cut.cut_time is None:
        return None
    value = -cut.cut_time if cfg.data.time_counts_back else cut.cut_time
    return round(value, 6)


def _quartiles(counts: npt.NDArray[np.int64]) -> dict[str, float]:
    q1, median, q3 = np.percentile(counts, [25, 50, 75])
    return {
        "min": int(counts.min()),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "max": int(counts.max()),
    }
