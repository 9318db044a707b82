"""The model artefact: a skops file, its sha256, and a reviewed list of trusted types.

pickle and joblib run arbitrary code while loading; skops loads only the types it is
told to trust. The caller passes that list from its own code, reviewed by a person (the
list saved beside the model is a record, never an input), so a file that needs any
other type is refused, both when it is saved and when it is loaded. The sha256 is
checked before skops even opens the file, so a truncated or altered file fails loudly.

    save(estimator, Path("models/model.skops"), Path("models/model.json"),
         {"model_name": "logistic_regression"}, trusted_types=TRUSTED_TYPES)
    loaded = load(Path("models/model.skops"), Path("models/model.json"),
                  trusted_types=TRUSTED_TYPES)
    loaded.estimator, loaded.metadata

An artefact that is not a skops file (e.g. numpy arrays saved without pickle) gets the
same staging, hash and check through `save_bytes` and `verified_metadata`; skops is
imported only by the functions that need it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ProjectError


class ArtefactError(ProjectError, RuntimeError):
    """The model artefact is missing, altered, or needs types nobody reviewed."""


@dataclass(frozen=True)
class LoadedModel:
    """A verified, loaded estimator and the metadata saved beside it."""

    estimator: Any
    metadata: dict[str, Any]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unreviewed_types(model_path: Path, trusted_types: Sequence[str]) -> list[str]:
    """Types the skops file needs beyond skops' defaults and `trusted_types`, sorted."""
    import skops.io as sio

    needed = sio.get_untrusted_types(file=model_path)
    return sorted(set(needed) - set(trusted_types))


def save(
    estimator: Any,
    model_path: Path,
    metadata_path: Path,
    metadata: Mapping[str, Any],
    *,
    trusted_types: Sequence[str],
) -> dict[str, Any]:
    """Write the skops file and its metadata (sha256, version), or refuse.

    Refuses (ArtefactError, nothing left in place) when the estimator needs a type not
    in `trusted_types`: it could not be loaded again, so it should not be saved. Both
    files are written beside their final names and renamed into place, the metadata
    last, so a crash never leaves a model without a matching hash. The metadata gains
    `artefact`, `artefact_sha256`, `trusted_types` (a record of the list used) and
    `model_version` (`<model_name>-<first 12 hex of the sha256>`). Returns it.
    """
    import skops.io as sio

    model_path.parent.mkdir(parents=True, exist_ok=True)
    staged = model_path.with_name(model_path.name + ".partial")
    try:
        sio.dump(estimator, staged)
        extra = unreviewed_types(staged, trusted_types)
        if extra:
            raise ArtefactError(
                f"the model needs types nobody reviewed: {', '.join(extra)}; review them "
                "and add them to TRUSTED_TYPES, or use a model made of reviewed types"
            )
        digest = sha256_of(staged)
        full = {
            **metadata,
            "artefact": model_path.name,
            "artefact_sha256": digest,
            "trusted_types": sorted(trusted_types),
            "model_version": f"{metadata.get('model_name', 'model')}-{digest[:12]}",
        }
        text = json.dumps(full, indent=2, sort_keys=True) + "\n"
        staged_metadata = metadata_path.with_name(metadata_path.name + ".partial")
        staged_metadata.write_text(text, encoding="utf-8")
        os.replace(staged, model_path)
        os.replace(staged_metadata, metadata_path)
    finally:
        staged.unlink(missing_ok=True)
        metadata_path.with_name(metadata_path.name + ".partial").unlink(missing_ok=True)
    return full


def save_bytes(
    payload: bytes, model_path: Path, metadata_path: Path, metadata: Mapping[str, Any]
) -> dict[str, Any]:
    """Write an artefact given as bytes and its metadata, as `save` does for skops files.

    Both files are staged beside their final names and renamed into place, the metadata
    last; the metadata gains `artefact`, `artefact_sha256` and `model_version`. Returns it.
    """
    model_path.parent.mkdir(parents=True, exist_ok=True)
    staged = model_path.with_name(model_path.name + ".partial")
    staged_metadata = metadata_path.with_name(metadata_path.name + ".partial")
    try:
        staged.write_bytes(payload)
        digest = sha256_of(staged)
        full = {
            **metadata,
            "artefact": model_path.name,
            "artefact_sha256": digest,
            "model_version": f"{metadata.get('model_name', 'model')}-{digest[:12]}",
        }
        text = json.dumps(full, indent=2, sort_keys=True) + "\n"
        staged_metadata.write_text(text, encoding="utf-8")
        os.replace(staged, model_path)
        os.replace(staged_metadata, metadata_path)
    finally:
        staged.unlink(missing_ok=True)
        staged_metadata.unlink(missing_ok=True)
    return full


def verified_metadata(
    model_path: Path, metadata_path: Path, *, expected_sha256: str | None = None
) -> dict[str, Any]:
    """The metadata, once the artefact's sha256 matches it (or `expected_sha256`).

    Checks only the file's integrity; what the file may contain is the loader's concern.
    Every failure is an ArtefactError whose message says what to do.
    """
    if not model_path.is_file() or not metadata_path.is_file():
        raise ArtefactError(
            f"model artefact not found ({model_path.name} and {metadata_path.name} in "
            f"{model_path.parent.name}/); train a model first"
        )
    try:
        metadata: dict[str, Any] = json.loads(metadata_path.read_text(encoding="utf-8"))
        recorded = str(metadata["artefact_sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtefactError(f"{metadata_path.name} is not valid model metadata: {exc}") from exc
    expected = expected_sha256 or recorded
    actual = sha256_of(model_path)
    if actual != expected:
        raise ArtefactError(
            f"refusing to load {model_path.name}: its sha256 is {actual[:16]}…, expected "
            f"{expected[:16]}…; the file was altered or corrupted, train the model again"
        )
    return metadata


def load(
    model_path: Path,
    metadata_path: Path,
    *,
    trusted_types: Sequence[str],
    expected_sha256: str | None = None,
) -> LoadedModel:
    """Verify the sha256, refuse unreviewed types, then load.

    `expected_sha256` (for example from the deployment's environment) overrides the
    hash in the metadata, so someone who can write the model folder cannot swap both
    files. Every failure is an ArtefactError whose message says what to do.
    """
    import skops.io as sio

    metadata = verified_metadata(model_path, metadata_path, expected_sha256=expected_sha256)
    try:
        extra = unreviewed_types(model_path, trusted_types)
        if extra:
            raise ArtefactError(
                f"refusing to load {model_path.name}: it needs types nobody reviewed "
                f"({', '.join(extra)})"
            )
        estimator = sio.load(model_path, trusted=list(trusted_types))
    except ArtefactError:
        raise
    except Exception as exc:  # skops raises several types for content it cannot load
        raise ArtefactError(f"refusing to load {model_path.name}: {exc}") from exc
    return LoadedModel(estimator=estimator, metadata=metadata)


@dataclass(frozen=True)
class Store:
    """`save` and `load` bound to one project's reviewed list of trusted types.

    A project's `artefact.py` holds the list, each entry with the reason it is safe,
    and exposes this store's methods:

        STORE = Store(TRUSTED_TYPES)
        save_model, load_model = STORE.save_model, STORE.load_model
    """

    trusted_types: tuple[str, ...]

    def save_model(
        self, estimator: Any, model_path: Path, metadata_path: Path, metadata: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Write the skops file and its metadata; refuse a model needing unreviewed types."""
        return save(
            estimator, model_path, metadata_path, metadata, trusted_types=self.trusted_types
        )

    def load_model(
        self, model_path: Path, metadata_path: Path, expected_sha256: str | None = None
    ) -> LoadedModel:
        """Verify the sha256 and load, trusting only the reviewed types."""
        return load(
            model_path,
            metadata_path,
            trusted_types=self.trusted_types,
            expected_sha256=expected_sha256,
        )
