"""Service settings: the family's `API_*` variables plus this project's config file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..core.service import ServiceSettings


class Settings(ServiceSettings):
    """`API_MODEL_PATH`, `API_METADATA_PATH`, `API_EXPECTED_SHA256`, `API_MAX_BODY_BYTES`,
    and `API_CONFIG_PATH` (the config.toml whose [api] table sets the limits)."""

    config_path: Path = Path("config.toml")


@lru_cache
def get_settings() -> Settings:
    return Settings()
