"""Routes: prediction (single and batch), liveness, readiness and model metadata.

No `from __future__ import annotations` here: FastAPI must see the request models,
which are built at runtime from the feature schema, as real objects.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel

from .deps import ModelDep, ServingModel
from .schemas import BatchPrediction, Health, Message, Prediction, Ready

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Message, "description": "The body is not valid JSON."},
    503: {"model": Message, "description": "The model is not loaded yet."},
}


def build_router(record: type[BaseModel], batch: type[BaseModel], max_batch: int) -> APIRouter:
    router = APIRouter()

    @router.post("/predict", response_model=Prediction, responses=ERRORS, tags=["predict"])
    def predict(model: ModelDep, body: Annotated[record, Body()]) -> Prediction:  # type: ignore[valid-type]
        """Score one record: probability of the positive class and the decision."""
        values = body.model_dump(by_alias=True)  # type: ignore[attr-defined]
        return _prediction(model, model.scorer.proba_one(values))

    @router.post(
        "/predict/batch",
        response_model=BatchPrediction,
        responses=ERRORS,
        tags=["predict"],
        description=f"Score up to {max_batch:,} records in one request; more is a 422.",
    )
    def predict_batch(model: ModelDep, body: Annotated[batch, Body()]) -> BatchPrediction:  # type: ignore[valid-type]
        records = [r.model_dump(by_alias=True) for r in body.records]  # type: ignore[attr-defined]
        probabilities = model.scorer.proba_many(records)
        return BatchPrediction(
            count=len(records),
            model_version=model.version,
            predictions=[_prediction(model, float(p)) for p in probabilities],
        )

    @router.get("/health", response_model=Health, tags=["operations"])
    def health() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @router.get("/ready", response_model=Ready, responses=ERRORS, tags=["operations"])
    def ready(model: ModelDep) -> Ready:
        """Readiness: the model is loaded and verified."""
        return Ready(status="ready", model_version=model.version)

    @router.get("/model", tags=["operations"])
    def model_info(model: ModelDep) -> dict[str, Any]:
        """Model metadata: version, training time, data hash, threshold, headline metrics."""
        keys = (
            "model_version", "model_name", "trained_at", "data_file", "data_sha256",
            "git_commit", "threshold", "classes", "actions", "costs", "headline_metrics",
            "feature_schema", "artefact_sha256", "versions",
        )  # fmt: skip
        return {k: model.metadata.get(k) for k in keys}

    return router


def _prediction(model: ServingModel, probability: float) -> Prediction:
    flagged = model.scorer.decide(probability)
    actions = model.metadata["actions"]
    return Prediction(
        probability=probability,
        positive_class=str(model.metadata["classes"]["positive"]),
        flagged=flagged,
        decision=str(actions["positive"] if flagged else actions["negative"]),
        threshold=model.scorer.threshold,
        model_version=model.version,
    )
