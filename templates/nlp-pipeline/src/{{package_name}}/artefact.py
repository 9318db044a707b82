"""This project's model artefact: the family core's skops + sha256 handling with the
types reviewed for this project's candidate models.

skops trusts its own defaults (scikit-learn estimators, numpy arrays); everything else
must be listed here by a person who read what the type holds and how skops rebuilds it.
The TF-IDF pipelines, linear models and the constant baseline of this project need
nothing beyond the defaults, so the list is empty: a model needing any other type is
refused when saved and when loaded (`core/artefact.py`).
"""

from __future__ import annotations

from .core.artefact import ArtefactError, LoadedModel, Store, sha256_of

__all__ = ["TRUSTED_TYPES", "ArtefactError", "LoadedModel", "load_model", "save_model", "sha256_of"]

# Reviewed: each entry would say why loading it cannot run code. None are needed.
TRUSTED_TYPES: tuple[str, ...] = ()


_STORE = Store(TRUSTED_TYPES)
save_model = _STORE.save_model
load_model = _STORE.load_model
