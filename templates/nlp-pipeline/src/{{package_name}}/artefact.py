"""This project's model artefact: the family core's skops + sha256 handling with the
types reviewed for this project's candidate models.

skops trusts its own defaults (scikit-learn estimators, numpy arrays); everything else
must be listed here by a person who read what the type holds and how skops rebuilds it.
The TF-IDF pipelines, linear models and the constant baseline of this project need
nothing beyond the defaults, so the list is empty: a model needing any other type is
refused when saved and when loaded (`core/artefact.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .core.artefact import ArtefactError, LoadedModel, load, save, sha256_of

__all__ = ["TRUSTED_TYPES", "ArtefactError", "LoadedModel", "load_model", "save_model", "sha256_of"]

# Reviewed: each entry would say why loading it cannot run code. None are needed.
TRUSTED_TYPES: tuple[str, ...] = ()


def save_model(
    estimator: Any, model_path: Path, metadata_path: Path, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Write the skops file and its metadata; refuse a model needing unreviewed types."""
    return save(estimator, model_path, metadata_path, metadata, trusted_types=TRUSTED_TYPES)


def load_model(
    model_path: Path, metadata_path: Path, expected_sha256: str | None = None
) -> LoadedModel:
    """Verify the sha256 and load, trusting only `TRUSTED_TYPES`."""
    return load(
        model_path, metadata_path, trusted_types=TRUSTED_TYPES, expected_sha256=expected_sha256
    )
