"""Settings every family service reads from the environment (prefix `API_`).

A project subclasses `ServiceSettings` to add its own fields and exposes a cached
getter, so the environment is read once and tests pass their own instance instead:

    class Settings(ServiceSettings):
        config_path: Path = Path("config.toml")

    @lru_cache
    def get_settings() -> Settings:
        return Settings()
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """`API_MODEL_PATH`, `API_METADATA_PATH`, `API_EXPECTED_SHA256`, `API_MAX_BODY_BYTES`."""

    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    model_path: Path = Path("models/model.skops")
    metadata_path: Path = Path("models/model.json")
    # Pin the artefact's sha256 here (e.g. in the container image) so that someone who
    # can write the model folder cannot replace the model and its metadata together.
    expected_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    max_body_bytes: int = Field(default=1_048_576, ge=1)
