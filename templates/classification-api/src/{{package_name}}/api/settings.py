"""Service settings, from environment variables prefixed `API_` (e.g. `API_MODEL_PATH`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_")

    model_path: Path = Path("models/model.skops")
    metadata_path: Path = Path("models/model.json")
    config_path: Path = Path("config.toml")
    # Pin the artefact's sha256 here to not trust the hash stored beside the model.
    expected_sha256: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
