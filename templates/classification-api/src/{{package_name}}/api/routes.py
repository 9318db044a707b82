"""Prediction routes: one case, or a batch; each answer carries its reason codes.

No `from __future__ import annotations` here: FastAPI must see the request models,
which are built at runtime from the feature schema, as real objects.
"""

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel

from ..core.service import ERROR_RESPONSES
from .deps import ModelDep
from .schemas import BatchPrediction, Prediction


def build_router(record: type[BaseModel], batch: type[BaseModel], max_batch: int) -> APIRouter:
    router = APIRouter(tags=["predict"], responses=ERROR_RESPONSES)

    @router.post("/predict", response_model=Prediction)
    async def predict(model: ModelDep, body: Annotated[record, Body()]) -> Prediction:  # type: ignore[valid-type]
        """Score one case: score, decision, threshold and the reasons behind it."""
        values = body.model_dump(by_alias=True)  # type: ignore[attr-defined]
        return Prediction.model_validate(model.answer(model.scorer.score_one(values)))

    @router.post(
        "/predict/batch",
        response_model=BatchPrediction,
        description=f"Score up to {max_batch:,} cases in one request; more is a 422. "
        "Each answer is exactly what /predict gives for that case.",
    )
    async def predict_batch(model: ModelDep, body: Annotated[batch, Body()]) -> BatchPrediction:  # type: ignore[valid-type]
        records = [r.model_dump(by_alias=True) for r in body.records]  # type: ignore[attr-defined]
        answers = [model.answer(s) for s in model.scorer.score_many(records)]
        return BatchPrediction.model_validate(
            {"count": len(answers), "model_version": model.version, "predictions": answers}
        )

    return router
