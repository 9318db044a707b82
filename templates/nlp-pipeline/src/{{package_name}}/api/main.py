"""App factory: the family's service skeleton with this project's routes and demo page.

Start with `uvicorn --factory <package>.api.main:create_app`. Building the app reads only
the model metadata and the config; the artefact itself is verified and loaded in the
lifespan, and a failed check stops the service from starting.
"""

from __future__ import annotations

from fastapi import FastAPI

from ..artefact import load_model
from ..config import load_config
from ..core.demo import demo_router
from ..core.service import artefact_loader, create_service, decision_control, read_metadata
from .deps import ServingModel
from .routes import build_router
from .schemas import ModelInfo, batch_model, message_model
from .settings import Settings, get_settings

EXAMPLE = "WINNER!! You have been selected for a £900 prize. Call 09061701461 to claim now"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    metadata = read_metadata(settings.metadata_path)
    cfg = load_config(settings.config_path)
    message = message_model(cfg.api.max_chars)
    batch = batch_model(cfg.api.max_chars, cfg.api.max_batch)
    positive = str(metadata["classes"]["positive"])

    demo = demo_router(
        request_model=message,
        example={"text": EXAMPLE},
        predict_path="/classify",
        title=f"{positive!r} filter: try a message",
        intro="Paste a message and classify it; the list shows the terms that pushed the "
        "score up (+) or down (-).",
        decision=decision_control(
            metadata,
            score_field="probability",
            score_label=f"Probability of {positive!r}",
            reasons_field="tokens",
            reasons_label="Terms that drove the score",
        ),
    )
    return create_service(
        title=f"{positive!r} filter",
        summary="Cost-aware decisions on text messages, with the tokens behind each.",
        version=str(metadata["model_version"]),
        load=artefact_loader(settings, load_model, ServingModel.from_loaded),
        info_model=ModelInfo,
        max_body_bytes=settings.max_body_bytes,
        routers=[build_router(message, batch, cfg.api.max_batch), demo],
    )
