"""The candidate models, their shared preprocessing, and how they are cross-validated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .binary.calibration import Sigmoid
from .binary.threshold import HeldOut
from .data import Dataset

# Listed from simplest to most complex: model selection prefers the earlier of two
# candidates when the cheaper one is not clearly cheaper.
CANDIDATES = ("dummy", "logistic_regression", "gradient_boosting")


def preprocessor(numeric: Sequence[str], categorical: Sequence[str]) -> ColumnTransformer:
    """Median-impute and standardise numbers; one-hot encode categories.

    Unknown categories encode as all zeros instead of failing, but the API refuses them
    before they reach the model.
    """
    return ColumnTransformer(
        [
            (
                "num",
                Pipeline(
                    [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
                ),
                list(numeric),
            ),
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=float),
                list(categorical),
            ),
        ],
        verbose_feature_names_out=False,
    )


def candidate(name: str, numeric: Sequence[str], categorical: Sequence[str], seed: int) -> Pipeline:
    """A fresh, unfitted pipeline for one of `CANDIDATES`."""
    estimators: dict[str, Any] = {
        "dummy": DummyClassifier(strategy="prior"),
        "logistic_regression": LogisticRegression(C=1.0, max_iter=2000),
        "gradient_boosting": HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            random_state=seed,
        ),
    }
    if name not in estimators:
        raise ValueError(f"unknown candidate {name!r}; choose from {', '.join(CANDIDATES)}")
    return Pipeline([("pre", preprocessor(numeric, categorical)), ("model", estimators[name])])


def folds(n_splits: int, seed: int) -> StratifiedKFold:
    """Stratified folds: each holds the classes in the proportions of the whole."""
    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)


def out_of_fold(
    pipeline: Pipeline,
    X: pd.DataFrame,
    y: npt.NDArray[np.int64],
    n_splits: int,
    seeds: Sequence[int],
) -> list[HeldOut]:
    """Held-out scores of every fold of repeated cross-validation (one repeat per seed).

    Each fold's scores come from a clone of `pipeline` fitted on the other folds only.
    """
    held = []
    for repeat, seed in enumerate(seeds):
        for fit_rows, held_rows in folds(n_splits, seed).split(X, y):
            model = clone(pipeline).fit(X.iloc[fit_rows], y[fit_rows])
            scores = model.predict_proba(X.iloc[held_rows])[:, 1]
            held.append(HeldOut(repeat, held_rows.astype(np.int64), y[held_rows], scores))
    return held


def model_data(data: Dataset, audited: Sequence[str], *, as_features: bool) -> Dataset:
    """The data the model sees: audited columns dropped, or added as categories.

    With `as_features` false no audited column is among the features, whatever the
    data's other settings; with it true each audited column not already a feature is
    added from the audit columns as a categorical feature.
    """
    if not as_features:
        drop = [c for c in audited if c in data.features.columns]
        return replace(
            data,
            features=data.features.drop(columns=drop),
            numeric_columns=tuple(c for c in data.numeric_columns if c not in drop),
            categorical_columns=tuple(c for c in data.categorical_columns if c not in drop),
        )
    add = [c for c in audited if c not in data.features.columns]
    return replace(
        data,
        features=pd.concat([data.features, data.groups[add]], axis=1),
        categorical_columns=(*data.categorical_columns, *add),
    )


def fold_calibration(pipeline: Pipeline, sigmoid: Sigmoid) -> bool:
    """Fold Platt scaling into a fitted logistic regression's coefficients, in place.

    sigmoid(a * (w.x + c) + b) is again a logistic regression, with weights a * w and
    intercept a * c + b, so the served model stays one plain pipeline. Returns False
    (and changes nothing) for any other model or a non-increasing sigmoid.
    """
    model = pipeline.named_steps["model"]
    if not isinstance(model, LogisticRegression) or sigmoid.slope <= 0:
        return False
    model.coef_ = model.coef_ * sigmoid.slope
    model.intercept_ = model.intercept_ * sigmoid.slope + sigmoid.intercept
    return True


def contributions(
    model: Any, reference: pd.DataFrame, features: pd.DataFrame
) -> pd.DataFrame | None:
    """Each feature's push on the log-odds of each row, relative to the average reference row.

    For a logistic regression, coefficient times (transformed value minus its mean over
    `reference`), summed over a category's one-hot columns: positive pushes toward the
    positive decision. None for models without such an additive form.
    """
    pipeline = _pipeline(model)
    estimator = pipeline.named_steps["model"]
    if not isinstance(estimator, LogisticRegression):
        return None
    pre = pipeline.named_steps["pre"]
    z = np.asarray(pre.transform(features), dtype=float)
    centre = np.asarray(pre.transform(reference), dtype=float).mean(axis=0)
    pushes = (z - centre) * estimator.coef_[0]
    sources: list[str] = []
    for name, transformer, columns in pre.transformers_:
        if name == "num":
            sources += list(columns)
        elif name == "cat":
            for column, categories in zip(columns, transformer.categories_, strict=True):
                sources += [column] * len(categories)
    if len(sources) != pushes.shape[1]:
        raise RuntimeError("could not map the transformed columns back to their features")
    frame = pd.DataFrame(pushes, columns=sources)
    summed = frame.T.groupby(level=0, sort=False).sum().T
    return summed[[c for c in features.columns if c in summed.columns]]


def replacement_contributions(
    model: Any, reference: pd.DataFrame, features: pd.DataFrame
) -> pd.DataFrame:
    """Each feature's push on the log-odds of each row, for any model: the row's log-odds
    minus what they become with only that feature set to its typical value in `reference`
    (the median, or the most frequent category). Positive pushes toward the positive
    decision; for a linear model on a numeric feature it is the additive contribution
    measured from the median instead of the mean.
    """
    base = _log_odds(model, features)
    pushes: dict[str, npt.NDArray[np.float64]] = {}
    for column in features.columns:
        values = reference[column].dropna()
        if values.empty:
            continue
        numeric = pd.api.types.is_numeric_dtype(values)
        typical = values.median() if numeric else values.mode().iloc[0]
        varied = features.copy()
        varied[column] = typical
        pushes[column] = base - _log_odds(model, varied)
    return pd.DataFrame(pushes, index=features.index)


def _log_odds(model: Any, features: pd.DataFrame) -> npt.NDArray[np.float64]:
    p = np.clip(np.asarray(model.predict_proba(features), dtype=float)[:, 1], 1e-12, 1 - 1e-12)
    return np.asarray(np.log(p) - np.log1p(-p), dtype=float)


def _pipeline(model: Any) -> Pipeline:
    """The fitted pipeline inside a served model (FixedThresholdClassifier, FrozenEstimator)."""
    while not isinstance(model, Pipeline):
        model = model.estimator
    return model
