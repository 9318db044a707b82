"""A fast scorer compiled from the fitted scikit-learn pipeline, for serving.

A fitted ColumnTransformer + OneHotEncoder pipeline spends ~10 ms per single-row
`predict_proba`, almost all of it in pandas and input validation, not arithmetic. This
module reads the fitted parameters once (imputation values, scaling, category positions,
and for a linear model its coefficients) and scores a record with plain Python.

Reason codes, in the style of adverse-action notices: for each feature, how far the
case's value raised the model's log-odds above the lowest that feature can give (the
category with the smallest effect, or the end of the training range that lowers the
score most); the features with the largest positive amounts are the reasons, largest
first. For a linear model this is exact arithmetic on the coefficients; for any other
model the same quantity is computed by scoring the case with each candidate value.

`tests/test_fastpath.py` proves, on the whole test set, that scores, decisions and
reason codes equal those computed through the sklearn pipeline itself, and that a batch
gives exactly (to the last digit) what the same records give one at a time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn import config_context
from sklearn.pipeline import Pipeline

from .data import FeatureSchema

Record = Mapping[str, Any]
MAX_REASONS = 4


@dataclass(frozen=True)
class Reason:
    """A feature that pushed this case toward the positive decision, by `contribution`
    log-odds above the lowest that feature allows."""

    feature: str
    value: Any
    contribution: float


@dataclass(frozen=True)
class Scored:
    score: float
    flagged: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class _Linear:
    intercept: float
    # Per numeric feature: name, weight, imputed value, mean, scale, and the lowest
    # contribution it can make over the training range.
    numeric_terms: tuple[tuple[str, float, float, float, float, float], ...]
    # Per categorical feature: name, weight of each category, the smallest weight.
    category_terms: tuple[tuple[str, dict[str, float], float], ...]


@dataclass(frozen=True)
class FastScorer:
    threshold: float
    numeric: tuple[str, ...]
    fill: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    categorical: tuple[str, ...]
    positions: tuple[dict[str, int], ...]
    n_features: int
    estimator: Any
    schema: FeatureSchema
    linear: _Linear | None = None
    max_reasons: int = MAX_REASONS

    @classmethod
    def from_model(
        cls, model: Any, schema: FeatureSchema, max_reasons: int = MAX_REASONS
    ) -> FastScorer:
        """Compile a fitted `FixedThresholdClassifier(FrozenEstimator(Pipeline))`."""
        pipeline = getattr(getattr(model, "estimator", None), "estimator", None)
        if not isinstance(pipeline, Pipeline):
            raise TypeError("expected a FixedThresholdClassifier around a fitted Pipeline")
        pre, estimator = pipeline.named_steps["pre"], pipeline.named_steps["model"]
        columns = {name: list(cols) for name, _, cols in pre.transformers_}
        numeric, categorical = columns.get("num", []), columns.get("cat", [])
        fill = mean = scale = np.zeros(0)
        if numeric:
            num = pre.named_transformers_["num"]
            fill = num.named_steps["impute"].statistics_.astype(float)
            mean = num.named_steps["scale"].mean_.astype(float)
            scale = num.named_steps["scale"].scale_.astype(float)
        positions = []
        offset = len(numeric)
        if categorical:
            for cats in pre.named_transformers_["cat"].categories_:
                positions.append({str(c): offset + i for i, c in enumerate(cats)})
                offset += len(cats)
        linear = None
        if hasattr(estimator, "coef_") and np.shape(estimator.coef_)[0] == 1:
            linear = _compile_linear(
                estimator, numeric, fill, mean, scale, categorical, positions, schema
            )
        return cls(
            threshold=float(model.threshold),
            numeric=tuple(numeric),
            fill=tuple(float(v) for v in fill),
            mean=tuple(float(v) for v in mean),
            scale=tuple(float(v) for v in scale),
            categorical=tuple(categorical),
            positions=tuple(positions),
            n_features=offset,
            estimator=estimator,
            schema=schema,
            linear=linear,
            max_reasons=max_reasons,
        )

    def score_one(self, record: Record) -> Scored:
        """Score, decision and reason codes for one record."""
        lin = self.linear
        if lin is None:
            return self._score_by_substitution(record)
        z = lin.intercept
        # (lowest - contribution, name): sorting these puts the largest amount first.
        below: list[tuple[float, str]] = []
        for name, weight, fill, mean, scale, floor in lin.numeric_terms:
            value = record[name]
            x = fill if value is None else float(value)
            c = weight * ((x - mean) / scale)
            z += c
            below.append((floor - c, name))
        for name, weights, floor in lin.category_terms:
            c = weights.get(str(record[name]), 0.0)
            z += c
            below.append((floor - c, name))
        score = _expit(z)
        return Scored(score, score >= self.threshold, self._reasons(record, below))

    def score_many(self, records: Sequence[Record]) -> list[Scored]:
        """`score_one` for each record: a batch answers exactly what single calls do."""
        return [self.score_one(r) for r in records]

    def proba_many(self, records: Sequence[Record]) -> npt.NDArray[np.float64]:
        """Scores of many records through the final estimator, vectorised."""
        with config_context(assume_finite=True, skip_parameter_validation=True):
            proba: npt.NDArray[np.float64] = self.estimator.predict_proba(self.transform(records))
        return proba[:, 1]

    def transform(self, records: Sequence[Record]) -> npt.NDArray[np.float64]:
        """The model's input matrix, as the fitted ColumnTransformer would build it."""
        X = np.zeros((len(records), self.n_features))
        if self.numeric:
            raw = np.array(
                [[np.nan if r[c] is None else r[c] for c in self.numeric] for r in records],
                dtype=float,
            ).reshape(len(records), len(self.numeric))
            raw = np.where(np.isnan(raw), self.fill, raw)
            X[:, : len(self.numeric)] = (raw - np.asarray(self.mean)) / np.asarray(self.scale)
        for j, name in enumerate(self.categorical):
            pos = self.positions[j]
            for row, record in enumerate(records):
                i = pos.get(str(record[name]))
                if i is not None:
                    X[row, i] = 1.0
        return X

    def _reasons(self, record: Record, below: list[tuple[float, str]]) -> tuple[Reason, ...]:
        # Largest amount first; ties by name, so the order never depends on column order.
        below.sort()
        return tuple(
            Reason(name, record[name], -negative)
            for negative, name in below[: self.max_reasons]
            if negative < 0
        )

    def _score_by_substitution(self, record: Record) -> Scored:
        """Any model: reason amounts by scoring the case with each candidate value."""
        variants: list[Record] = [record]
        owners: list[str] = []
        for name, values in candidate_values(self.schema).items():
            for value in values:
                variants.append({**record, name: value})
                owners.append(name)
        proba = np.clip(self.proba_many(variants), 1e-300, 1 - 1e-16)
        logit = np.log(proba) - np.log1p(-proba)
        lowest: dict[str, float] = {}
        for name, value in zip(owners, logit[1:], strict=True):
            lowest[name] = min(lowest.get(name, math.inf), float(value))
        below = [(low - float(logit[0]), name) for name, low in lowest.items()]
        score = float(proba[0])
        return Scored(score, score >= self.threshold, self._reasons(record, below))


def candidate_values(schema: FeatureSchema) -> dict[str, list[Any]]:
    """The values a feature's lowest effect is sought over: each category, or both ends
    of the training range (a linear effect is lowest at one of them)."""
    values: dict[str, list[Any]] = {}
    for feature in schema.numeric:
        ends = [feature.minimum, feature.maximum]
        values[feature.name] = [int(v) for v in ends] if feature.integer else ends
    for cat in schema.categorical:
        values[cat.name] = list(cat.categories)
    return values


def _compile_linear(
    estimator: Any,
    numeric: list[str],
    fill: npt.NDArray[np.float64],
    mean: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
    categorical: list[str],
    positions: list[dict[str, int]],
    schema: FeatureSchema,
) -> _Linear:
    coef = np.asarray(estimator.coef_[0], dtype=float)
    ranges = {f.name: (f.minimum, f.maximum) for f in schema.numeric}
    numeric_terms = []
    for j, name in enumerate(numeric):
        w, f, m, sc = float(coef[j]), float(fill[j]), float(mean[j]), float(scale[j])
        low, high = ranges.get(name, (f, f))
        floor = min(w * ((v - m) / sc) for v in (low, high))
        numeric_terms.append((name, w, f, m, sc, floor))
    category_terms = []
    for name, pos in zip(categorical, positions, strict=True):
        weights = {c: float(coef[i]) for c, i in pos.items()}
        category_terms.append((name, weights, min(weights.values())))
    return _Linear(
        intercept=float(estimator.intercept_[0]),
        numeric_terms=tuple(numeric_terms),
        category_terms=tuple(category_terms),
    )


def _expit(z: float) -> float:
    # The two branches avoid overflow in exp for large |z|.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
