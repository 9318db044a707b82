"""This project's model artefact: the family core's skops + sha256 handling with the
types reviewed for this project's candidate models.

skops trusts its own defaults (scikit-learn estimators, numpy arrays); everything else
must be listed here by a person who read what the type holds and how skops rebuilds it.
A model needing any type not listed is refused when saved and when loaded
(`core/artefact.py`); `tests/test_artefact.py` plants one and watches it fail.
"""

from __future__ import annotations

from .core.artefact import ArtefactError, LoadedModel, Store, sha256_of

__all__ = ["TRUSTED_TYPES", "ArtefactError", "LoadedModel", "load_model", "save_model", "sha256_of"]

# Reviewed: each entry says why loading it cannot run code.
TRUSTED_TYPES: tuple[str, ...] = (
    # A numpy data type descriptor (e.g. float64), rebuilt from its name; holds no code.
    "numpy.dtype",
    # The fitted trees of HistGradientBoostingClassifier: numpy arrays of nodes and
    # bin thresholds, rebuilt from arrays; its methods are scikit-learn's own.
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)


_STORE = Store(TRUSTED_TYPES)
save_model = _STORE.save_model
load_model = _STORE.load_model
