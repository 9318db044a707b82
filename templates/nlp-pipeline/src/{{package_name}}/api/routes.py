"""Classification routes: one message, or a bounded batch; each answer carries the
tokens that drove it.

No `from __future__ import annotations` here: FastAPI must see the request models,
which are built at runtime from the configured limits, as real objects.
"""

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel

from ..core.service import ERROR_RESPONSES
from .deps import ModelDep
from .schemas import BatchClassification, Classification


def build_router(message: type[BaseModel], batch: type[BaseModel], max_batch: int) -> APIRouter:
    router = APIRouter(tags=["classify"], responses=ERROR_RESPONSES)

    # One message is a fraction of a millisecond of work: answered on the event loop,
    # without the hop to a worker thread that a plain `def` route costs.
    @router.post("/classify", response_model=Classification)
    async def classify(model: ModelDep, body: Annotated[message, Body()]) -> Classification:  # type: ignore[valid-type]
        """Classify one message: label, probability, decision and the tokens behind it."""
        return Classification.model_validate(model.classify(body.text))  # type: ignore[attr-defined]

    @router.post(
        "/classify/batch",
        response_model=BatchClassification,
        description=f"Classify up to {max_batch:,} messages in one request; more is a 422. "
        "Each answer is exactly what /classify gives for that message.",
    )
    # Up to max_batch messages: a plain `def`, so it runs in a worker thread, off the loop.
    def classify_batch(model: ModelDep, body: Annotated[batch, Body()]) -> BatchClassification:  # type: ignore[valid-type]
        answers = [model.classify(text) for text in body.texts]  # type: ignore[attr-defined]
        return BatchClassification.model_validate(
            {"count": len(answers), "model_version": model.version, "classifications": answers}
        )

    return router
