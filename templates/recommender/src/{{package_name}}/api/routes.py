"""Routes: a user's recommendations and history, an item's similar items.

The handlers are `async`: a top-k list takes a fraction of a millisecond of numpy, less
than the hop to a worker thread would cost. They answer with the model's JSON directly
(`_json`): the response model is built once, typed and documented in the OpenAPI schema,
and not validated a second time on the way out. No `from __future__ import annotations`
here: FastAPI reads the annotations at runtime.
"""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel

from ..core.service import ERROR_RESPONSES, ServiceError, served_model
from ..service import Result, UnknownItemError
from .deps import ServingModel
from .schemas import History, Recommendation, Recommendations, SimilarItems

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ERROR_RESPONSES[422]["model"], "description": "Unknown item."},
    422: ERROR_RESPONSES[422],
    503: ERROR_RESPONSES[503],
}
ID = Annotated[str, Path(min_length=1, max_length=200)]


def build_router(candidates: list[str], default_k: int, max_k: int) -> APIRouter:
    router = APIRouter(tags=["recommendations"])
    K = Annotated[int, Query(ge=1, le=max_k, description=f"How many items, 1 to {max_k}.")]
    names = "|".join(re.escape(name) for name in candidates)
    Model = Annotated[
        str | None,
        Query(
            pattern=f"^({names})$",
            description="One of the trained models; default: the served one.",
        ),
    ]

    @router.get("/recommendations/{user_id}", response_model=Recommendations, responses=NOT_FOUND)
    async def recommend(
        request: Request,
        user_id: ID,
        k: K = default_k,
        model: Model = None,
    ) -> Response:
        """Top-k items the user has not interacted with; a labelled fallback if unknown."""
        served: ServingModel = served_model(request)
        result = served.core.recommend(user_id, k, model=model)
        return _json(
            Recommendations(
                user_id=user_id,
                model=result.model,
                model_version=served.version,
                k=k,
                fallback=result.fallback,
                fallback_reason=result.reason,
                items=_ranked(result),
            )
        )

    @router.get("/similar/{item_id}", response_model=SimilarItems, responses=NOT_FOUND)
    async def similar(
        request: Request,
        item_id: ID,
        k: K = default_k,
        model: Model = None,
    ) -> Response:
        """Items that go with `item_id`; 404 for an item outside the catalogue."""
        served: ServingModel = served_model(request)
        try:
            result = served.core.similar(item_id, k, model=model)
        except UnknownItemError as exc:
            raise ServiceError(404, "not_found", str(exc)) from exc
        return _json(
            SimilarItems(
                item_id=item_id, model=result.model, model_version=served.version, k=k,
                items=_ranked(result),
            )
        )  # fmt: skip

    @router.get("/users/{user_id}/history", response_model=History, responses=NOT_FOUND)
    async def history(request: Request, user_id: ID) -> History:
        """The user's training items (what the recommendations leave out)."""
        served: ServingModel = served_model(request)
        return History(
            user_id=user_id,
            known=served.core.known_user(user_id),
            items=served.core.history(user_id),
        )

    return router


def _json(body: BaseModel) -> Response:
    return Response(body.model_dump_json(), media_type="application/json")


def _ranked(result: Result) -> list[Recommendation]:
    return [
        Recommendation(rank=rank, item_id=s.item_id, score=s.score)
        for rank, s in enumerate(result.items, start=1)
    ]
