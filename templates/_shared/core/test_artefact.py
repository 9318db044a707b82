"""The artefact: the hash is checked, and only reviewed types are ever loaded."""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from {{ package_name }}.core.artefact import (
    ArtefactError,
    Store,
    load,
    save,
    sha256_of,
)

REVIEWED = ("numpy.dtype",)
TREE = "sklearn.tree._tree.Tree"  # the fitted tree structure: a type skops does not trust


def tree() -> DecisionTreeClassifier:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    return DecisionTreeClassifier(random_state=0).fit(X, np.array([0, 0, 1, 1]))


def fitted() -> LogisticRegression:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    return LogisticRegression().fit(X, np.array([0, 0, 1, 1]))


def saved(tmp_path: Path) -> tuple[Path, Path]:
    model, meta = tmp_path / "model.skops", tmp_path / "model.json"
    save(fitted(), model, meta, {"model_name": "lr"}, trusted_types=REVIEWED)
    return model, meta


def test_a_saved_model_loads_and_predicts_the_same(tmp_path: Path) -> None:
    model, meta = saved(tmp_path)
    loaded = load(model, meta, trusted_types=REVIEWED)
    X = np.array([[0.5], [2.5]])
    np.testing.assert_array_equal(loaded.estimator.predict_proba(X), fitted().predict_proba(X))
    assert loaded.metadata["artefact_sha256"] == sha256_of(model)
    assert loaded.metadata["model_version"] == f"lr-{sha256_of(model)[:12]}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.skops"]


def test_an_unreviewed_type_is_refused_at_load(tmp_path: Path) -> None:
    """A file needing a type outside the list in code is refused, whatever its metadata
    says: the list saved beside the model is a record, never trusted."""
    model, meta = tmp_path / "model.skops", tmp_path / "model.json"
    save(tree(), model, meta, {"model_name": "tree"}, trusted_types=[TREE, *REVIEWED])
    metadata = json.loads(meta.read_text(encoding="utf-8"))
    assert TREE in metadata["trusted_types"]
    with pytest.raises(ArtefactError, match=rf"needs types nobody reviewed \({TREE}\)"):
        load(model, meta, trusted_types=REVIEWED)
    assert load(model, meta, trusted_types=[TREE, *REVIEWED]).estimator is not None


def test_an_unreviewed_type_is_refused_at_save_leaving_nothing(tmp_path: Path) -> None:
    model, meta = tmp_path / "model.skops", tmp_path / "model.json"
    with pytest.raises(ArtefactError, match=f"types nobody reviewed: {TREE}"):
        save(tree(), model, meta, {}, trusted_types=REVIEWED)
    assert list(tmp_path.iterdir()) == []


def test_an_altered_file_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    model, meta = saved(tmp_path)
    with model.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ArtefactError, match=r"refusing to load model\.skops: its sha256"):
        load(model, meta, trusted_types=REVIEWED)


def test_a_pinned_hash_overrides_the_metadata(tmp_path: Path) -> None:
    model, meta = saved(tmp_path)
    with pytest.raises(ArtefactError, match="expected 0000"):
        load(model, meta, trusted_types=REVIEWED, expected_sha256="0" * 64)
    load(model, meta, trusted_types=REVIEWED, expected_sha256=sha256_of(model))


def test_missing_or_broken_metadata_says_what_to_do(tmp_path: Path) -> None:
    model, meta = saved(tmp_path)
    with pytest.raises(ArtefactError, match="train a model first"):
        load(tmp_path / "none.skops", meta, trusted_types=REVIEWED)
    meta.write_text("{}", encoding="utf-8")
    with pytest.raises(ArtefactError, match="not valid model metadata"):
        load(model, meta, trusted_types=REVIEWED)


def test_a_store_saves_and_loads_with_its_own_reviewed_list(tmp_path: Path) -> None:
    """A project's `save_model` / `load_model` are a `Store`'s: the list it was made with
    decides both ways, and the saved record is that list."""
    model, meta = tmp_path / "model.skops", tmp_path / "model.json"
    with_tree = Store((TREE, *REVIEWED))
    saved_metadata = with_tree.save_model(tree(), model, meta, {"model_name": "tree"})
    assert saved_metadata["trusted_types"] == sorted((TREE, *REVIEWED))
    assert with_tree.load_model(model, meta).metadata["model_name"] == "tree"
    with pytest.raises(ArtefactError, match="nobody reviewed"):
        Store(REVIEWED).load_model(model, meta)
    with pytest.raises(ArtefactError, match="nobody reviewed"):
        Store(REVIEWED).save_model(tree(), tmp_path / "other.skops", tmp_path / "o.json", {})
    with pytest.raises(ArtefactError, match="sha256"):
        with_tree.load_model(model, meta, expected_sha256="0" * 64)
