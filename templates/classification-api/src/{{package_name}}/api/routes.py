"""Prediction routes: one case, or a batch; each answer carries its reason codes.

These are the hot routes, so they read their body through the family's `JsonBody` (one
validating pass over the bytes) and answer with `json_response` (one encoding), and
`DirectRoute` calls them without FastAPI's parameter solving; OpenAPI documents them
the same.
`bench.py` measures the difference against a trivial endpoint.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from ..core.service import ERROR_RESPONSES, DirectRoute, JsonBody, json_response
from .deps import get_model
from .schemas import BatchPrediction, Prediction


def build_router(record: type[BaseModel], batch: type[BaseModel], max_batch: int) -> APIRouter:
    router = APIRouter(tags=["predict"], responses=ERROR_RESPONSES, route_class=DirectRoute)
    one = JsonBody(record, "One case: every feature the model was trained on.")
    many = JsonBody(batch, f"Up to {max_batch:,} cases under `records`.")

    @router.post("/predict", response_model=Prediction, openapi_extra=one.openapi_extra)
    async def predict(request: Request) -> Response:
        """Score one case: score, decision, threshold and the reasons behind it."""
        model = get_model(request)
        values = (await one.read(request)).model_dump(by_alias=True)
        return json_response(model.answer(model.scorer.score_one(values)))

    @router.post(
        "/predict/batch",
        response_model=BatchPrediction,
        openapi_extra=many.openapi_extra,
        description=f"Score up to {max_batch:,} cases in one request; more is a 422. "
        "Each answer is exactly what /predict gives for that case.",
    )
    async def predict_batch(request: Request) -> Response:
        model = get_model(request)
        body: Any = await many.read(request)
        records = [r.model_dump(by_alias=True) for r in body.records]
        answers = [model.answer(s) for s in model.scorer.score_many(records)]
        return json_response(
            {"count": len(answers), "model_version": model.version, "predictions": answers}
        )

    return router
