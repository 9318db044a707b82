"""The app factory every family service starts from.

    app = create_service(
        title="credit risk classifier", version="1.0",
        load=lambda: ServingModel.load(settings),    # runs in the lifespan, not at import
        info_model=ModelInfo,                        # the typed /model response
        routers=[predict_router], max_body_bytes=settings.max_body_bytes,
    )

It adds `/health` (liveness), `/ready` (the model is loaded), `/model` (typed metadata),
the family's error shape for every failure, and the body-size limit. `load` runs in the
lifespan, so importing the app never touches the model and a failed artefact check
stops the server before it accepts a request. Routes reach the model through
`served_model(request)`, which answers 503 until it is loaded; hot routes read their
body through `body.JsonBody` and answer with `body.json_response`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel

from .body import component_schemas
from .errors import ERROR_RESPONSES, ServiceError, install_error_handlers
from .limits import BodySizeLimit
from .schemas import Health, Ready

logger = logging.getLogger(__name__)


class ServedModel(Protocol):
    """What the skeleton needs of a project's loaded model."""

    @property
    def version(self) -> str:
        """Name and sha256 prefix, as in the artefact metadata's `model_version`."""
        ...

    def info(self) -> BaseModel:
        """The `/model` response: an instance of the factory's `info_model`."""
        ...


def served_model(request: Request) -> Any:
    """The model loaded in the lifespan; a 503 `not_ready` until then."""
    model = getattr(request.app.state, "model", None)
    if model is None:
        raise ServiceError(503, "not_ready", "the model is not loaded yet; retry shortly")
    return model


def create_service(
    *,
    title: str,
    version: str,
    load: Callable[[], ServedModel],
    info_model: type[BaseModel],
    max_body_bytes: int,
    routers: Sequence[APIRouter] = (),
    body_models: Sequence[type[BaseModel]] = (),
    summary: str | None = None,
    description: str = "",
) -> FastAPI:
    """A FastAPI app with the family's operations routes, errors and body limit.

    `body_models` are the models of bodies that routes read through `JsonBody`; they
    are added to the OpenAPI components so that the routes' documentation refers to them.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.model = load()
        logger.info("model %s loaded", app.state.model.version)
        yield
        app.state.model = None

    app = FastAPI(
        title=title, version=version, summary=summary, description=description, lifespan=lifespan
    )
    app.state.model = None
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    # The project's routes first: a request is matched against routes in order, and the
    # prediction routes are the hot ones.
    for router in routers:
        app.include_router(router)
    app.include_router(operations_router(info_model))
    if body_models:
        _document_bodies(app, body_models)
    return app


def _document_bodies(app: FastAPI, models: Sequence[type[BaseModel]]) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI caches it; adding the same components is idempotent
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            components.update(component_schemas(model))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def operations_router(info_model: type[BaseModel]) -> APIRouter:
    """`/health`, `/ready` and `/model`, the routes an operator and a load balancer use."""
    router = APIRouter(tags=["operations"])
    not_ready: dict[int | str, dict[str, Any]] = {503: ERROR_RESPONSES[503]}

    @router.get("/health", response_model=Health)
    async def health() -> Health:
        """Liveness: the process answers (the model may still be loading)."""
        return Health()

    @router.get("/ready", response_model=Ready, responses=not_ready)
    async def ready(request: Request) -> Ready:
        """Readiness: the model is loaded and its artefact verified."""
        return Ready(model_version=served_model(request).version)

    @router.get("/model", response_model=info_model, responses=not_ready)
    async def model_info(request: Request) -> BaseModel:
        """What is being served: version, provenance, decision rule, headline metrics."""
        info: BaseModel = served_model(request).info()
        return info

    return router
