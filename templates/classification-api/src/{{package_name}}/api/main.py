"""App factory: routes, error handling, and the lifespan that loads the model.

Start with `uvicorn --factory <package>.api.main:create_app`. Building the app reads only
the model metadata (to type the request schema); the artefact itself is verified and
loaded in the lifespan, and a failed check stops the service from starting.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ..artefact import ArtefactError, load_model
from ..config import load_config
from ..data import FeatureSchema
from ..fastpath import FastScorer
from .deps import ServingModel
from .routes import build_router
from .schemas import batch_model, record_model
from .settings import Settings, get_settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    try:
        metadata = json.loads(settings.metadata_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArtefactError(
            f"{settings.metadata_path} not found; train a model first with `make train`"
        ) from exc
    cfg = load_config(settings.config_path)
    schema = FeatureSchema.from_dict(metadata["feature_schema"])
    record = record_model(schema, cfg.api.range_margin)
    batch = batch_model(record, cfg.api.max_batch)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loaded = load_model(settings.model_path, settings.metadata_path, settings.expected_sha256)
        app.state.model = ServingModel(FastScorer.from_model(loaded.estimator), loaded.metadata)
        logger.info("model %s loaded", app.state.model.version)
        yield
        app.state.model = None

    app = FastAPI(
        title=f"{metadata['classes']['positive']!r} classifier",
        summary="Cost-aware decisions from the model trained by this project's pipeline.",
        version=str(metadata["model_version"]),
        lifespan=lifespan,
    )
    app.state.model = None
    app.include_router(build_router(record, batch, cfg.api.max_batch))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


async def _validation_error(request: Request, exc: Exception) -> Response:
    """Malformed JSON is a 400; a well-formed body that breaks the schema a 422.

    The 422 lists where and what (`loc`, `msg`, `type`) but does not echo the input back:
    echoing could leak data into logs, and a non-finite number (`Infinity` is accepted
    by Python's JSON parser) cannot even be serialised in the reply.
    """
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return JSONResponse(status_code=400, content={"detail": "request body is not valid JSON"})
    detail = [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in errors
    ]
    return JSONResponse(status_code=422, content={"detail": detail})


async def _internal_error(request: Request, exc: Exception) -> Response:
    # Log the traceback for the operator; never send it to the client.
    logger.exception("unhandled error on %s", request.url.path)
    return JSONResponse(status_code=500, content={"detail": "internal error"})
