"""Stage `data`: validate the configured CSV and fix the held-out test split."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import train_test_split

from .config import Config
from .data import Dataset, DataValidationError, load_dataset


def run(cfg: Config) -> dict[str, Any]:
    """Validate the data, split it once (stratified, seeded) and write `split.json`."""
    data = load_dataset(cfg)
    train, test = split_positions(data.target, cfg.data.test_size, cfg.training.seed)
    split = {
        "data_sha256": data.sha256,
        "seed": cfg.training.seed,
        "test_size": cfg.data.test_size,
        "summary": summarise(data, len(train), len(test)),
        "train_lines": sorted(int(n) for n in data.lines[train]),
        "test_lines": sorted(int(n) for n in data.lines[test]),
    }
    cfg.paths.processed_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.split.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    return split


def split_positions(
    target: npt.NDArray[np.int64], test_size: float, seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Row positions of the training and test rows: a stratified, seeded split.

    Stratified, so both parts hold the classes in the proportions of the whole (to
    within one row): a small test set could otherwise be short of the rarer class.
    """
    positions = np.arange(len(target))
    train, test = train_test_split(
        positions, test_size=test_size, stratify=target, random_state=seed
    )
    return np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)


def load_split(cfg: Config) -> tuple[Dataset, Dataset, dict[str, Any]]:
    """The validated training and test rows, refusing data changed since `make data`."""
    if not cfg.paths.split.is_file():
        raise DataValidationError("no data split yet; run `make data` first")
    split = json.loads(cfg.paths.split.read_text(encoding="utf-8"))
    data = load_dataset(cfg)
    if data.sha256 != split["data_sha256"]:
        raise DataValidationError(
            f"{cfg.data.path.name} changed since the split was made; run `make data` again"
        )
    line_to_position = {int(line): pos for pos, line in enumerate(data.lines)}
    train = np.array([line_to_position[n] for n in split["train_lines"]], dtype=np.int64)
    test = np.array([line_to_position[n] for n in split["test_lines"]], dtype=np.int64)
    return data.subset(train), data.subset(test), split


def summarise(data: Dataset, n_train: int, n_test: int) -> dict[str, Any]:
    """Composition facts for the data card; no paths, no timestamps."""
    features = data.features
    missing = {c: int(n) for c, n in features.isna().sum().items() if n} | {
        c: int((features[c] == "missing").sum())
        for c in data.categorical_columns
        if (features[c] == "missing").any()
    }
    return {
        "rows": len(data.target),
        "train_rows": n_train,
        "test_rows": n_test,
        "classes": {"negative": data.classes[0], "positive": data.classes[1]},
        "positive_count": int(data.target.sum()),
        "negative_count": int(len(data.target) - data.target.sum()),
        "positive_rate": round(float(data.target.mean()), 6),
        "numeric_columns": list(data.numeric_columns),
        "categorical_columns": list(data.categorical_columns),
        "missing_cells": missing,
        "subgroup_sizes": {
            c: {str(k): int(v) for k, v in sorted(data.groups[c].value_counts().items())}
            for c in data.groups.columns
        },
    }
