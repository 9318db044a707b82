"""Service settings, from environment variables prefixed `API_` (e.g. `API_MODEL_PATH`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..core.service import ServiceSettings


class Settings(ServiceSettings):
    model_path: Path = Path("models/bundle.npz")
    metadata_path: Path = Path("models/bundle.json")
    config_path: Path = Path("config.toml")
    # The test-split results `/model` reports for the served model, when they are its own.
    metrics_path: Path = Path("reports/metrics.json")


@lru_cache
def get_settings() -> Settings:
    return Settings()
