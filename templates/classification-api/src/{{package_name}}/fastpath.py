"""A fast scorer compiled from the fitted scikit-learn pipeline, for serving.

A fitted ColumnTransformer + OneHotEncoder pipeline spends ~10 ms per single-row
`predict_proba`, almost all of it in pandas and input validation, not arithmetic. This
module reads the fitted parameters once (imputation values, scaling, category positions,
and for a linear model its coefficients) and scores a record with plain Python and numpy.
`tests/test_fastpath.py` proves it returns the same probabilities and decisions as the
sklearn pipeline on the whole test set; whenever the pipeline changes, that test is what
keeps the two in step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn import config_context
from sklearn.pipeline import Pipeline

Record = Mapping[str, Any]


@dataclass(frozen=True)
class FastScorer:
    threshold: float
    numeric: tuple[str, ...]
    fill: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    categorical: tuple[str, ...]
    positions: tuple[dict[str, int], ...]
    n_features: int
    estimator: Any
    # Linear models only: weights on the scaled numbers, a value per category, intercept.
    numeric_weights: npt.NDArray[np.float64] | None = None
    category_weights: tuple[dict[str, float], ...] = ()
    weights: npt.NDArray[np.float64] | None = None
    intercept: float = 0.0

    @classmethod
    def from_model(cls, model: Any) -> FastScorer:
        """Compile a fitted `FixedThresholdClassifier(FrozenEstimator(Pipeline))`."""
        pipeline = model.estimator.estimator
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
        scorer = cls(
            threshold=float(model.threshold),
            numeric=tuple(numeric),
            fill=fill,
            mean=mean,
            scale=scale,
            categorical=tuple(categorical),
            positions=tuple(positions),
            n_features=offset,
            estimator=estimator,
        )
        if hasattr(estimator, "coef_") and np.shape(estimator.coef_)[0] == 1:
            coef = np.asarray(estimator.coef_[0], dtype=float)
            return replace(
                scorer,
                numeric_weights=coef[: len(numeric)],
                category_weights=tuple(
                    {c: float(coef[i]) for c, i in pos.items()} for pos in positions
                ),
                weights=coef,
                intercept=float(estimator.intercept_[0]),
            )
        return scorer

    def proba_one(self, record: Record) -> float:
        """Probability of the positive class for one record."""
        if self.numeric_weights is None:
            return float(self.proba_many([record])[0])
        z = self.intercept
        for j, name in enumerate(self.numeric):
            value = record[name]
            x = self.fill[j] if value is None else float(value)
            z += self.numeric_weights[j] * ((x - self.mean[j]) / self.scale[j])
        for j, name in enumerate(self.categorical):
            z += self.category_weights[j].get(str(record[name]), 0.0)
        return _expit(z)

    def proba_many(self, records: Sequence[Record]) -> npt.NDArray[np.float64]:
        """Probabilities of the positive class for many records, vectorised."""
        X = self.transform(records)
        if self.weights is not None:
            z = X @ self.weights + self.intercept
            return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=float)
        with config_context(assume_finite=True, skip_parameter_validation=True):
            proba: npt.NDArray[np.float64] = self.estimator.predict_proba(X)[:, 1]
        return proba

    def transform(self, records: Sequence[Record]) -> npt.NDArray[np.float64]:
        """The model's input matrix, as the fitted ColumnTransformer would build it."""
        X = np.zeros((len(records), self.n_features))
        if self.numeric:
            raw = np.array(
                [[np.nan if r[c] is None else r[c] for c in self.numeric] for r in records],
                dtype=float,
            ).reshape(len(records), len(self.numeric))
            raw = np.where(np.isnan(raw), self.fill, raw)
            X[:, : len(self.numeric)] = (raw - self.mean) / self.scale
        for j, name in enumerate(self.categorical):
            pos = self.positions[j]
            for row, record in enumerate(records):
                i = pos.get(str(record[name]))
                if i is not None:
                    X[row, i] = 1.0
        return X

    def decide(self, probability: float) -> bool:
        """True when the case is flagged: probability at or above the threshold."""
        return probability >= self.threshold


def _expit(z: float) -> float:
    # The two branches avoid overflow in exp for large |z|.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
