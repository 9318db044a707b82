"""The model artefact: a skops file and a metadata JSON beside it.

pickle and joblib run code while loading; skops loads only the types it is told to
trust. The serving model is a `FixedThresholdClassifier` around a `FrozenEstimator`,
which skops loads without extra trusted types; any type the file needs beyond the list
reviewed at training time is refused. The sha256 in the metadata is checked before the
file is even opened, so a truncated or altered artefact fails loudly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import skops.io as sio


class ArtefactError(RuntimeError):
    """The model artefact is missing, altered or needs types nobody reviewed."""


@dataclass(frozen=True)
class LoadedModel:
    estimator: Any
    metadata: dict[str, Any]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(
    estimator: Any, model_path: Path, metadata_path: Path, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Write the skops file, then the metadata with its sha256 and trusted types."""
    model_path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(estimator, model_path)
    untrusted = sorted(sio.get_untrusted_types(file=model_path))
    full = {
        **metadata,
        "artefact": model_path.name,
        "artefact_sha256": sha256_of(model_path),
        "trusted_types": untrusted,
    }
    full["model_version"] = f"{metadata.get('model_name', 'model')}-{full['artefact_sha256'][:12]}"
    metadata_path.write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return full


def load_model(
    model_path: Path, metadata_path: Path, expected_sha256: str | None = None
) -> LoadedModel:
    """Verify the artefact's sha256, then load it trusting only the reviewed types.

    `expected_sha256` overrides the hash in the metadata, for deployments that pin the
    hash somewhere an attacker who can write the model folder cannot.
    """
    if not model_path.is_file() or not metadata_path.is_file():
        raise ArtefactError(
            f"model artefact not found ({model_path.name} and {metadata_path.name} in "
            f"{model_path.parent.name}/); run `make train` first"
        )
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        recorded = str(metadata["artefact_sha256"])
        trusted = [str(t) for t in metadata["trusted_types"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtefactError(f"{metadata_path.name} is not valid model metadata: {exc}") from exc
    expected = expected_sha256 or recorded
    actual = sha256_of(model_path)
    if actual != expected:
        raise ArtefactError(
            f"refusing to load {model_path.name}: its sha256 is {actual[:16]}…, expected "
            f"{expected[:16]}…; the file was altered or corrupted, retrain with `make train`"
        )
    try:
        estimator = sio.load(model_path, trusted=trusted)
    except Exception as exc:  # skops raises several types for unreviewed content
        raise ArtefactError(f"refusing to load {model_path.name}: {exc}") from exc
    return LoadedModel(estimator=estimator, metadata=metadata)
