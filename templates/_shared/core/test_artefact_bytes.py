"""An artefact saved as bytes: staged, hashed, and refused once altered (no skops)."""

import json
from pathlib import Path

import pytest

from {{ package_name }}.core.artefact import (
    ArtefactError,
    save_bytes,
    sha256_of,
    verified_metadata,
)


def saved(tmp_path: Path) -> tuple[Path, Path, dict[str, object]]:
    model, meta = tmp_path / "bundle.npz", tmp_path / "bundle.json"
    full = save_bytes(b"model bytes", model, meta, {"model_name": "ease"})
    return model, meta, full


def test_the_metadata_records_the_hash_and_version(tmp_path: Path) -> None:
    model, meta, full = saved(tmp_path)
    assert full["artefact_sha256"] == sha256_of(model)
    assert full["model_version"] == f"ease-{sha256_of(model)[:12]}"
    assert json.loads(meta.read_text(encoding="utf-8")) == full
    assert verified_metadata(model, meta) == full
    assert not list(tmp_path.glob("*.partial"))


def test_an_altered_file_or_a_wrong_pinned_hash_is_refused(tmp_path: Path) -> None:
    model, meta, _ = saved(tmp_path)
    with pytest.raises(ArtefactError, match="sha256"):
        verified_metadata(model, meta, expected_sha256="0" * 64)
    model.write_bytes(b"model bytes, altered")
    with pytest.raises(ArtefactError, match="altered or corrupted"):
        verified_metadata(model, meta)


def test_missing_files_and_broken_metadata_say_what_to_do(tmp_path: Path) -> None:
    model, meta, _ = saved(tmp_path)
    meta.write_text("{not json", encoding="utf-8")
    with pytest.raises(ArtefactError, match="not valid model metadata"):
        verified_metadata(model, meta)
    with pytest.raises(ArtefactError, match="train a model first"):
        verified_metadata(tmp_path / "none.npz", meta)
