"""The candidate models, their shared preprocessing and the cost scorer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    FixedThresholdClassifier,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .binary.costs import Costs, bayes_threshold, cost_scorer

# Listed from simplest to most complex: model selection prefers the earlier of two
# candidates whose costs are within one standard error of each other.
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
    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)


def decision_model(pipeline: Pipeline, costs: Costs, n_splits: int, seed: int) -> Any:
    """The model plus its decision rule, as it would be deployed.

    The threshold minimises the cost on held-out folds of the training rows. A constant
    model (the dummy) has nothing to tune: its probability is the training prior, so the
    cost-optimal rule for it is the Bayes threshold, i.e. the better trivial policy.
    """
    if isinstance(pipeline.named_steps["model"], DummyClassifier):
        return FixedThresholdClassifier(pipeline, threshold=bayes_threshold(costs))
    return TunedThresholdClassifierCV(
        pipeline,
        scoring=cost_scorer(costs),
        cv=folds(n_splits, seed),
        refit=True,
        store_cv_results=True,
    )


def fitted_threshold(model: Any) -> float:
    """The threshold a fitted `decision_model` applies."""
    return float(getattr(model, "best_threshold_", None) or model.threshold)
