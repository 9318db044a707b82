"""App factory: the family's service skeleton with this project's routes and demo page.

Start with `uvicorn --factory <package>.api.main:create_app`. Building the app reads only
the model metadata (to type the request schema) and the config; the artefact itself is
verified and loaded in the lifespan, and a failed check stops the service from starting.
"""

from __future__ import annotations

from fastapi import FastAPI

from ..artefact import load_model
from ..config import Config, load_config
from ..core.demo import demo_router
from ..core.service import artefact_loader, create_service, decision_control, read_metadata
from ..data import FeatureSchema
from .deps import ServingModel, is_calibrated
from .example import example_case
from .routes import build_router
from .schemas import ModelInfo, batch_model, record_model
from .settings import Settings, get_settings


def create_app(settings: Settings | None = None, cfg: Config | None = None) -> FastAPI:
    """The app; `cfg` (default: read from `settings.config_path`) says where the data
    and its split are, for the example case the schema and the demo page show."""
    settings = settings or get_settings()
    metadata = read_metadata(settings.metadata_path)
    cfg = cfg or load_config(settings.config_path)
    schema = FeatureSchema.from_dict(metadata["feature_schema"])
    example = example_case(cfg, schema)
    record = record_model(schema, cfg.api.range_margin, example.record)
    batch = batch_model(record, cfg.api.max_batch)
    positive = str(metadata["classes"]["positive"])
    calibrated = is_calibrated(metadata)
    where = (
        f"line {example.line} of {metadata['data_file']}, from the held-out test rows"
        if example.held_out
        else "a typical case built from the training ranges (the data is not here)"
    )
    demo = demo_router(
        request_model=record,
        example=example.record,
        predict_path="/predict",
        title=f"{positive!r} classifier: try a case",
        intro=f"Prefilled with {where}. Change any field and score it again.",
        decision=decision_control(
            metadata,
            score_field="score",
            score_label=f"Probability of {positive!r}" if calibrated else f"Score for {positive!r}",
            reasons_field="reasons",
            reasons_label=f"Main reasons toward {metadata['actions']['positive']!r}",
        ),
    )
    return create_service(
        title=f"{positive!r} classifier",
        summary="Cost-aware decisions, with reasons, from the model this project trained.",
        version=str(metadata["model_version"]),
        load=artefact_loader(settings, load_model, ServingModel.from_loaded),
        info_model=ModelInfo,
        max_body_bytes=settings.max_body_bytes,
        routers=[build_router(record, batch, cfg.api.max_batch), demo],
        body_models=[record, batch],
    )
