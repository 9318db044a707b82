"""The loaded model as the routes see it, and the dependency that hands it to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from fastapi import Depends, Request

from .. import multiclass as mc
from ..artefact import LoadedModel
from ..config import NormaliseConfig
from ..core.service import model_getter
from ..decision import log_odds_distance
from ..fastpath import FastMulticlassScorer, FastTextScorer
from ..normalise import normalise
from .schemas import ModelInfo

TOKENS_SHOWN = 8


@dataclass(frozen=True)
class ServingModel:
    """The verified artefact compiled for serving, with what every answer repeats.

    Two labels: a threshold on the positive class's probability. More: the label of
    least expected cost under the cost matrix (`multiclass`), the most probable label
    beside it.
    """

    scorer: FastTextScorer | FastMulticlassScorer
    metadata: dict[str, Any]
    normalise: NormaliseConfig
    version: str
    threshold: float | None
    review_cutoff: float
    labels: tuple[str, ...]  # binary: (negative, positive); more: all, sorted
    actions: tuple[str, str]  # binary: (negative, positive)
    positive: str
    cost_matrix: Any = None

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> ServingModel:
        md = loaded.metadata
        common: dict[str, Any] = {
            "metadata": md,
            "normalise": NormaliseConfig(**md["normalise"]),
            "version": str(md["model_version"]),
            "review_cutoff": float(md["review_cutoff"]),
            "positive": str(md["classes"]["positive"]),
        }
        if md.get("task", "binary") == "multiclass":
            labels = tuple(str(label) for label in md["labels"])
            return cls(
                scorer=FastMulticlassScorer.from_pipeline(loaded.estimator, labels),
                threshold=None,
                labels=labels,
                actions=("", ""),
                cost_matrix=np.asarray(md["costs"]["matrix"], dtype=float),
                **common,
            )
        return cls(
            scorer=FastTextScorer.from_pipeline(loaded.estimator),
            threshold=float(md["threshold"]),
            labels=(str(md["classes"]["negative"]), str(md["classes"]["positive"])),
            actions=(str(md["actions"]["negative"]), str(md["actions"]["positive"])),
            **common,
        )

    def info(self) -> ModelInfo:
        return ModelInfo.model_validate(self.metadata)

    def classify(self, text: str) -> dict[str, Any]:
        """The JSON body of one classification (the `Classification` schema)."""
        cleaned = normalise(text, self.normalise)
        if isinstance(self.scorer, FastMulticlassScorer):
            return self._classify_multiclass(cleaned, self.scorer)
        assert self.threshold is not None
        probability, top = self.scorer.explain(cleaned, TOKENS_SHOWN)
        flagged = probability >= self.threshold
        distance = float(log_odds_distance(np.array([probability]), self.threshold)[0])
        return {
            "label": self.labels[flagged],
            "probability": probability,
            "probabilities": {self.labels[0]: 1.0 - probability, self.labels[1]: probability},
            "flagged": flagged,
            "decision": self.actions[flagged],
            "review": distance < self.review_cutoff,
            "threshold": self.threshold,
            "tokens": [{"feature": t.term, "contribution": round(t.weight, 4)} for t in top],
            "model_version": self.version,
        }

    def _classify_multiclass(self, cleaned: str, scorer: FastMulticlassScorer) -> dict[str, Any]:
        p = scorer.probabilities(cleaned)
        top = int(np.argmax(p))
        decided = int(mc.decide(p[None, :], self.cost_matrix)[0])
        return {
            "label": self.labels[top],
            "probability": float(p[top]),
            "probabilities": {label: float(q) for label, q in zip(self.labels, p, strict=True)},
            "flagged": self.labels[decided] == self.positive,
            "decision": self.labels[decided],
            "review": float(p[top]) < self.review_cutoff,
            "threshold": None,
            "tokens": [
                {"feature": t.term, "contribution": round(t.weight, 4)}
                for t in scorer.top_terms(cleaned, decided, TOKENS_SHOWN)
            ],
            "model_version": self.version,
        }


_served = model_getter(ServingModel)


async def get_model(request: Request) -> ServingModel:  # async: no thread hop per request
    return _served(request)


ModelDep = Annotated[ServingModel, Depends(get_model)]
