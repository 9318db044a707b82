"""Shared config loading: one error type naming the key, paths rooted at the file's folder."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from {{ package_name }}.core.config import (
    ConfigError,
    Paths,
    Section,
    load,
    read_toml,
    rooted,
    validated,
)
from {{ package_name }}.core.errors import ProjectError


class Data(Section):
    path: Path
    rows: int = Field(default=10, ge=1)


class Whole(Section):
    data: Data
    paths: Paths = Field(default_factory=Paths)


@dataclass(frozen=True)
class PlainData:
    path: Path
    name: str = "x"


@dataclass(frozen=True)
class Plain:
    data: PlainData
    paths: Paths = field(default_factory=Paths)


def parse(raw: dict[str, Any]) -> Whole:
    return validated(Whole, raw)


def test_load_roots_every_path_at_the_files_folder(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[data]\npath = "data/d.csv"\n', encoding="utf-8")
    cfg = load(tmp_path / "config.toml", parse)
    root = tmp_path.resolve()
    assert cfg.data.path == root / "data" / "d.csv"
    assert cfg.paths.models_dir == root / "models"
    assert cfg.paths.metrics == root / "reports" / "metrics.json"
    assert cfg.paths.split == root / "data" / "processed" / "split.json"


def test_rooted_walks_dataclasses_and_keeps_absolute_paths(tmp_path: Path) -> None:
    absolute = tmp_path / "elsewhere.csv"
    cfg = rooted(Plain(PlainData(absolute), Paths(docs_dir=Path("d"))), Path("/root/here"))
    assert cfg.data.path == absolute
    assert cfg.data.name == "x"
    assert cfg.paths.docs_dir == Path("/root/here/d")
    assert cfg.paths.readme == Path("/root/here/README.md")


@pytest.mark.parametrize(
    ("text", "message"),
    [(None, r"not found; run the pipeline from the project folder"), ("[data", "not valid TOML")],
)
def test_a_missing_or_broken_file_is_one_config_error(
    tmp_path: Path, text: str | None, message: str
) -> None:
    path = tmp_path / "config.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        read_toml(path)
    assert isinstance(caught.value, ProjectError)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, r"^\[data\]: Field required"),
        ({"data": {"path": "d", "rows": 0}}, r"^\[data\] rows: Input should be greater"),
        ({"data": {"path": "d", "row": 3}}, r"^\[data\] row: Extra inputs are not permitted"),
        ({"data": {"path": "d"}, "path": {}}, r"^\[path\]: Extra inputs"),
    ],
)
def test_validation_errors_name_the_section_and_key(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse(raw)


def test_a_mistake_found_while_loading_names_the_file_first(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text('[data]\npath = "d.csv"\nrows = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^other\.toml \[data\] rows: Input should be greater"):
        load(path, parse)

    def refuse(raw: dict[str, Any]) -> Whole:
        raise ConfigError("give a [data] table")

    with pytest.raises(ConfigError, match=r"^other\.toml: give a \[data\] table$"):
        load(path, refuse)


def test_one_section_validated_alone_is_named_by_the_caller() -> None:
    with pytest.raises(ConfigError, match=r"^\[data\] rows: "):
        validated(Data, {"path": "d", "rows": "many"}, "data")
