"""Reading `config.toml`: the loading every project shares; the schema is the project's.

A project's `config.py` declares its sections (pydantic models over `Section`, or frozen
dataclasses) and a `parse_config(raw)`; `load(path, parse_config)` reads the file, parses
it and resolves every path in it against the file's folder. Every mistake is one
`ConfigError` whose message names the section and the key at fault.

    class Paths(core.config.Paths):
        @property
        def model(self) -> Path:
            return self.models_dir / "model.skops"

    def parse_config(raw: dict[str, Any]) -> Config:
        return validated(Config, raw)

    def load_config(path: Path = DEFAULT_CONFIG) -> Config:
        return load(path, parse_config)
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ProjectError

DEFAULT_CONFIG = Path("config.toml")

C = TypeVar("C")
M = TypeVar("M", bound=BaseModel)


class ConfigError(ProjectError, ValueError):
    """`config.toml` is missing a key or holds a value the pipeline cannot use."""


class Section(BaseModel):
    """A table of `config.toml`: an unknown key is an error, and the values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Paths(Section):
    """Where a project reads and writes, relative to `config.toml` until `rooted`."""

    models_dir: Path = Path("models")
    reports_dir: Path = Path("reports")
    processed_dir: Path = Path("data/processed")
    docs_dir: Path = Path("docs")
    readme: Path = Path("README.md")

    @property
    def training_summary(self) -> Path:
        return self.models_dir / "training.json"

    @property
    def split(self) -> Path:
        return self.processed_dir / "split.json"

    @property
    def metrics(self) -> Path:
        return self.reports_dir / "metrics.json"

    @property
    def figures_dir(self) -> Path:
        return self.reports_dir / "figures"

    def rooted(self, root: Path) -> Self:
        return rooted(self, root)


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file, or a `ConfigError` saying it is missing or not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path} not found; run the pipeline from the project folder") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def load(path: Path, parse: Callable[[dict[str, Any]], C]) -> C:
    """Read `path` and parse it; relative paths in it are taken relative to its folder.

    A mistake in the file is reported with the file's name first, e.g.
    `config.toml [costs] false_positive: Input should be greater than 0`.
    """
    raw = read_toml(path)
    try:
        parsed = parse(raw)
    except ConfigError as exc:
        where = str(exc)
        raise ConfigError(f"{path.name}{'' if where.startswith('[') else ':'} {where}") from exc
    return rooted(parsed, path.resolve().parent)


def validated(kind: type[M], raw: Mapping[str, Any], section: str | None = None) -> M:
    """`raw` as a `kind`, or a `ConfigError` naming the first key at fault.

    `section` names the table `raw` came from when `kind` is one section, not the file.
    """
    try:
        return kind.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe(exc, section)) from exc


def describe(exc: ValidationError, section: str | None = None) -> str:
    """The first error as `[section] key: what is wrong` (list positions left out)."""
    error = exc.errors()[0]
    where = [str(part) for part in error["loc"] if not isinstance(part, int)]
    if section:
        where = [section, *where]
    if not where:
        return str(error["msg"])
    key = f" {'.'.join(where[1:])}" if len(where) > 1 else ""
    return f"[{where[0]}]{key}: {error['msg']}"


def rooted(config: C, root: Path) -> C:
    """The same config with every relative path in it resolved against `root`.

    Walks pydantic models and dataclasses (a config, its sections, their sections);
    an absolute path stays as it is.
    """
    result: C = _rooted(config, root)
    return result


def _rooted(value: Any, root: Path) -> Any:
    if isinstance(value, Path):
        return root / value
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(
            update={name: _rooted(getattr(value, name), root) for name in fields}
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _rooted(getattr(value, f.name), root) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **fields)
    return value
