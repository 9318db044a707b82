"""The loaded model as the routes see it, and how a route gets it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..artefact import LoadedModel
from ..core.service import model_getter
from ..data import FeatureSchema
from ..fastpath import FastScorer, Scored
from .schemas import ModelInfo


@dataclass(frozen=True)
class ServingModel:
    """The verified artefact compiled for serving, with what every response repeats."""

    scorer: FastScorer
    metadata: dict[str, Any]
    version: str
    calibrated: bool
    positive_class: str
    actions: tuple[str, str]  # (negative, positive)

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> ServingModel:
        metadata = loaded.metadata
        schema = FeatureSchema.from_dict(metadata["feature_schema"])
        actions = metadata["actions"]
        return cls(
            scorer=FastScorer.from_model(loaded.estimator, schema),
            metadata=metadata,
            version=str(metadata["model_version"]),
            calibrated=is_calibrated(metadata),
            positive_class=str(metadata["classes"]["positive"]),
            actions=(str(actions["negative"]), str(actions["positive"])),
        )

    def info(self) -> ModelInfo:
        return ModelInfo.model_validate(
            {
                **self.metadata,
                "calibrated": self.calibrated,
                "score_kind": "probability" if self.calibrated else "score",
            }
        )

    def answer(self, scored: Scored) -> dict[str, Any]:
        """The JSON body of one prediction (the `Prediction` schema)."""
        return {
            "score": scored.score,
            "calibrated": self.calibrated,
            "positive_class": self.positive_class,
            "flagged": scored.flagged,
            "decision": self.actions[scored.flagged],
            "threshold": self.scorer.threshold,
            "reasons": [
                {"feature": r.feature, "value": r.value, "contribution": r.contribution}
                for r in scored.reasons
            ],
            "model_version": self.version,
        }


def is_calibrated(metadata: dict[str, Any]) -> bool:
    """True only when training recorded that the served scores are calibrated."""
    calibration = metadata.get("calibration")
    if isinstance(calibration, dict):
        return calibration.get("calibrated") is True
    return metadata.get("calibrated") is True


# The served model (a 503 until it is loaded); routes call it directly, not via
# `Depends`, to keep the dependency machinery off the hot path.
get_model = model_getter(ServingModel)
