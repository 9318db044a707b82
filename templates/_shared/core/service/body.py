"""Request bodies a route validates itself, straight from bytes, and JSON replies.

FastAPI's own body handling (parse with `json.loads`, validate the Python objects, then
validate and encode the return value against `response_model`) costs more than scoring
a linear model. On a hot route, `JsonBody` validates the raw bytes with pydantic's JSON
parser in one step and `json_response` encodes a plain dict once; OpenAPI still
documents both (`JsonBody.openapi_extra` plus `create_service(body_models=...)`, and the
route's `response_model`). Errors are the same `RequestValidationError`s FastAPI raises
(`loc` starts with "body"), so the family's error shape and status codes hold.

    body = JsonBody(Record)
    router = APIRouter(route_class=DirectRoute)

    @router.post("/predict", response_model=Prediction, openapi_extra=body.openapi_extra)
    async def predict(request: Request) -> Response:
        record = await body.read(request)
        return json_response(answer(record))

`DirectRoute` hands the request straight to such an endpoint, skipping FastAPI's
parameter solving as well; the route is still documented from its decorator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


class JsonBody(Generic[M]):
    """The JSON body of a route, validated by `model` in one pass over the bytes."""

    def __init__(self, model: type[M], description: str = "") -> None:
        self.model = model
        content = {"application/json": {"schema": {"$ref": component_ref(model)}}}
        self.openapi_extra: dict[str, Any] = {
            "requestBody": {"required": True, "content": content, "description": description}
        }

    async def read(self, request: Request) -> M:
        """The validated body; a `RequestValidationError` (400 or 422) when it is not."""
        raw = await request.body()
        try:
            return self.model.model_validate_json(raw)
        except ValidationError as exc:
            errors = [{**err, "loc": ("body", *err["loc"])} for err in exc.errors()]
            raise RequestValidationError(errors) from None


def component_ref(model: type[BaseModel]) -> str:
    return f"#/components/schemas/{model.__name__}"


def component_schemas(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema and the models it uses, as OpenAPI components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    return {**defs, model.__name__: schema}


def json_response(content: Any, status_code: int = 200) -> Response:
    """A JSON reply encoded once; NaN and infinities are refused, never sent."""
    return Response(_ENCODE(content).encode(), status_code, media_type="application/json")


class DirectRoute(APIRoute):
    """A route whose endpoint is `async def endpoint(request: Request) -> Response`.

    FastAPI calls it directly: no dependency or parameter solving and no response model
    validation (the endpoint builds its own reply), while OpenAPI still documents the
    route from its decorator (`response_model`, `openapi_extra`, `responses`). Use it
    only on routes that read their input through `JsonBody`.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint
