"""App factory: the family's service skeleton with this project's routes and demo page.

Start with `uvicorn --factory <package>.api.main:create_app`. Building the app reads only
the metadata and the config; the bundle itself is verified (sha256) and loaded in the
lifespan, and a failed check stops the service from starting.
"""

from __future__ import annotations

from fastapi import FastAPI

from ..bundle import load_verified, read_metadata
from ..config import load_config
from ..core.service import create_service
from ..results import results_of_bundle
from ..service import Recommendations
from .demo import recommender_demo
from .deps import ServingModel
from .routes import build_router
from .schemas import ModelInfo
from .settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    cfg = load_config(settings.config_path)
    metadata = read_metadata(settings.metadata_path)

    def load() -> ServingModel:
        bundle = load_verified(
            settings.model_path, settings.metadata_path, settings.expected_sha256
        )
        return ServingModel(
            Recommendations(bundle),
            bundle.metadata,
            cfg.api.default_k,
            cfg.api.max_k,
            results_of_bundle(settings.metrics_path, bundle.metadata),
        )

    w = cfg.wording
    return create_service(
        title=f"{w.item.capitalize()} recommender",
        summary=f"Top-k {w.items} for a {w.user}, from the models this project trained.",
        version=str(metadata["model_version"]),
        load=load,
        info_model=ModelInfo,
        max_body_bytes=settings.max_body_bytes,
        routers=[
            build_router(list(metadata["candidates"]), cfg.api.default_k, cfg.api.max_k),
            recommender_demo(cfg, metadata),
        ],
    )
