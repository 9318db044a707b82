"""The trained bundle: every fitted model with the index and histories it serves from.

One `.npz` file of plain numeric and text arrays, loaded with `allow_pickle=False`, so
loading it never runs code; beside it a JSON file of metadata (which model is served,
the hyperparameters, the data hash). The family's artefact code writes both through a
staging file and checks the bundle's sha256 before it is opened.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .core.artefact import ArtefactError, save_bytes, verified_metadata
from .matrix import Fold, Index
from .models import Recommender, restore


class BundleError(RuntimeError):
    """The trained bundle is missing or unreadable; the message says what to run."""


def save_bundle(
    path: Path,
    metadata_path: Path,
    fold: Fold,
    models: dict[str, Recommender],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """Write the bundle and its metadata (with sha256 and `model_version`); return it."""
    return save_bytes(bundle_bytes(fold, models), path, metadata_path, metadata)


def load_verified(path: Path, metadata_path: Path, expected_sha256: str | None = None) -> Bundle:
    """The bundle, after its sha256 matched the metadata (or `expected_sha256`)."""
    try:
        metadata = verified_metadata(path, metadata_path, expected_sha256=expected_sha256)
    except ArtefactError as exc:
        raise BundleError(str(exc)) from exc
    return read_bundle(path, metadata)


@dataclass(frozen=True)
class Bundle:
    index: Index
    seen: sp.csr_matrix  # every training interaction: a user's history, never re-recommended
    fit: sp.csr_matrix  # what the models score from
    models: dict[str, Recommender]
    metadata: dict[str, Any]

    @property
    def served(self) -> str:
        return str(self.metadata["served_model"])

    @property
    def popularity(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.seen.sum(axis=0), dtype=np.float64).ravel()


def bundle_bytes(fold: Fold, models: dict[str, Recommender]) -> bytes:
    """The bundle's content as `.npz` bytes (deterministic for the same inputs)."""
    arrays: dict[str, npt.NDArray[Any]] = {
        "index_users": fold.index.users,
        "index_items": fold.index.items,
        **_csr("seen", fold.seen),
        **_csr("fit", fold.fit),
    }
    for name, model in models.items():
        arrays |= {f"{name}__{key}": value for key, value in model.arrays().items()}
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def read_bundle(path: Path, metadata: dict[str, Any]) -> Bundle:
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError) as exc:
        raise BundleError(f"{path.name} is not a readable model bundle: {exc}") from exc
    models = {}
    for name in metadata["candidates"]:
        params = metadata["models"][name]
        prefix = f"{name}__"
        own = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
        models[name] = restore(name, own, params["params"])
    return Bundle(
        index=Index(users=arrays["index_users"], items=arrays["index_items"]),
        seen=_csr_from(arrays, "seen"),
        fit=_csr_from(arrays, "fit"),
        models=models,
        metadata=metadata,
    )


def read_metadata(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BundleError(f"no trained models ({path.name} missing); run `make train` first")
    try:
        metadata: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BundleError(f"{path.name} is not valid JSON: {exc}") from exc
    return metadata


def _csr(prefix: str, m: sp.csr_matrix) -> dict[str, npt.NDArray[Any]]:
    return {
        f"{prefix}_indptr": m.indptr,
        f"{prefix}_indices": m.indices,
        f"{prefix}_shape": np.asarray(m.shape, dtype=np.int64),
    }


def _csr_from(arrays: dict[str, npt.NDArray[Any]], prefix: str) -> sp.csr_matrix:
    indices = arrays[f"{prefix}_indices"]
    shape = tuple(int(v) for v in arrays[f"{prefix}_shape"])
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, arrays[f"{prefix}_indptr"]), shape=shape)
