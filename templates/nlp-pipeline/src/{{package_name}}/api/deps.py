"""The loaded model as the routes see it, and the dependency that hands it to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from ..artefact import LoadedModel
from ..config import NormaliseConfig
from ..core.service import model_getter
from ..decision import log_odds_distance
from ..fastpath import FastTextScorer
from ..normalise import normalise
from .schemas import ModelInfo

TOKENS_SHOWN = 8


@dataclass(frozen=True)
class ServingModel:
    """The verified artefact compiled for serving, with what every answer repeats."""

    scorer: FastTextScorer
    metadata: dict[str, Any]
    normalise: NormaliseConfig
    version: str
    threshold: float
    review_cutoff: float
    labels: tuple[str, str]  # (negative, positive)
    actions: tuple[str, str]  # (negative, positive)

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> ServingModel:
        md = loaded.metadata
        return cls(
            scorer=FastTextScorer.from_pipeline(loaded.estimator),
            metadata=md,
            normalise=NormaliseConfig(**md["normalise"]),
            version=str(md["model_version"]),
            threshold=float(md["threshold"]),
            review_cutoff=float(md["review_cutoff"]),
            labels=(str(md["classes"]["negative"]), str(md["classes"]["positive"])),
            actions=(str(md["actions"]["negative"]), str(md["actions"]["positive"])),
        )

    def info(self) -> ModelInfo:
        return ModelInfo.model_validate(self.metadata)

    def classify(self, text: str) -> dict[str, Any]:
        """The JSON body of one classification (the `Classification` schema)."""
        cleaned = normalise(text, self.normalise)
        probability = self.scorer.proba_one(cleaned)
        flagged = probability >= self.threshold
        distance = float(log_odds_distance(_array(probability), self.threshold)[0])
        return {
            "label": self.labels[flagged],
            "probability": probability,
            "flagged": flagged,
            "decision": self.actions[flagged],
            "review": distance < self.review_cutoff,
            "threshold": self.threshold,
            "tokens": [
                {"feature": t.term, "contribution": round(t.weight, 4)}
                for t in self.scorer.top_terms(cleaned, TOKENS_SHOWN)
            ],
            "model_version": self.version,
        }


def _array(value: float) -> Any:
    import numpy as np

    return np.array([value])


get_model = model_getter(ServingModel)


ModelDep = Annotated[ServingModel, Depends(get_model)]
