"""The project's single source of paths and parameters, read from `config.toml`.

Every stage takes a `Config`; nothing else in the package names a column, a path or a
cost. Pointing the pipeline at another CSV with a binary target means editing
`config.toml` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core import config as core
from .core.config import DEFAULT_CONFIG, ConfigError, validated
from .core.stats import Bootstrap

__all__ = ["DEFAULT_CONFIG", "Config", "ConfigError", "load_config", "parse_config"]


@dataclass(frozen=True)
class Band:
    """A categorical column derived from a numeric one, e.g. an age band."""

    name: str
    source: str
    edges: tuple[float, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class DataConfig:
    path: Path
    target_column: str
    positive_class: str
    id_columns: tuple[str, ...] = ()
    exclude_columns: tuple[str, ...] = ()
    numeric_columns: tuple[str, ...] = ()
    categorical_columns: tuple[str, ...] = ()
    test_size: float = 0.25
    min_rows_per_class: int = 20


@dataclass(frozen=True)
class DecisionConfig:
    """Plain-language names for the two actions and the two kinds of error."""

    positive_action: str = "flag"
    negative_action: str = "pass"
    false_positive: str = "negative cases wrongly flagged"
    false_negative: str = "positive cases missed"


@dataclass(frozen=True)
class CostConfig:
    false_positive: float
    false_negative: float


@dataclass(frozen=True)
class SubgroupConfig:
    """Audited columns; `as_features` false keeps every one of them out of the model.

    A rate of a group is "too few to conclude" when its denominator (rows, negatives or
    positives of the group) is below `min_denominator`.
    """

    columns: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    as_features: bool = False
    min_denominator: int = 30


@dataclass(frozen=True)
class TrainingConfig:
    seed: int = 42
    cv_folds: int = 5
    # Cross-validation is repeated with seeds seed, seed + 1, ...: the spread over
    # repeats shows how much the threshold and the cost depend on the fold split.
    cv_repeats: int = 3
    candidates: tuple[str, ...] = ("dummy", "logistic_regression", "gradient_boosting")
    # The served score is called a probability only when its cross-validated calibration
    # error (count-weighted |observed - predicted| over ten equal-count bins) is at most this.
    max_calibration_error: float = 0.05


@dataclass(frozen=True)
class EvaluationConfig:
    cost_ratio_shift: float = 0.2


@dataclass(frozen=True)
class ApiConfig:
    max_batch: int = 1000
    range_margin: float = 0.5


class Paths(core.Paths):
    @property
    def model(self) -> Path:
        return self.models_dir / "model.skops"

    @property
    def model_metadata(self) -> Path:
        return self.models_dir / "model.json"


@dataclass(frozen=True)
class Config:
    data: DataConfig
    costs: CostConfig
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    subgroups: SubgroupConfig = field(default_factory=SubgroupConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
    bootstrap: Bootstrap = field(default_factory=Bootstrap)
    api: ApiConfig = field(default_factory=ApiConfig)
    paths: Paths = field(default_factory=Paths)


def load_config(path: Path = DEFAULT_CONFIG) -> Config:
    """Read `config.toml`; relative paths in it are taken relative to its folder."""
    return core.load(path, parse_config)


def parse_config(raw: dict[str, Any]) -> Config:
    """Build a `Config` from parsed TOML, naming the key at fault on error."""
    data = _section(raw, "data")
    costs = _section(raw, "costs")
    cfg = Config(
        data=DataConfig(
            path=Path(_get(data, "data", "path", str)),
            target_column=_get(data, "data", "target_column", str),
            positive_class=str(_get(data, "data", "positive_class", (str, int))),
            id_columns=_strings(data, "data", "id_columns"),
            exclude_columns=_strings(data, "data", "exclude_columns"),
            numeric_columns=_strings(data, "data", "numeric_columns"),
            categorical_columns=_strings(data, "data", "categorical_columns"),
            test_size=float(_get(data, "data", "test_size", (int, float), 0.25)),
            min_rows_per_class=_get(data, "data", "min_rows_per_class", int, 20),
        ),
        costs=CostConfig(
            false_positive=float(_get(costs, "costs", "false_positive", (int, float))),
            false_negative=float(_get(costs, "costs", "false_negative", (int, float))),
        ),
        decision=_table(DecisionConfig, raw, "decision"),
        subgroups=_subgroups(_section(raw, "subgroups", required=False)),
        training=_training(_section(raw, "training", required=False)),
        evaluation=_table(EvaluationConfig, raw, "evaluation"),
        bootstrap=_bootstrap(_section(raw, "bootstrap", required=False)),
        api=_table(ApiConfig, raw, "api"),
        paths=validated(Paths, _section(raw, "paths", required=False), "paths"),
    )
    _check(cfg)
    return cfg


def _check(cfg: Config) -> None:
    if cfg.costs.false_positive <= 0 or cfg.costs.false_negative <= 0:
        raise ConfigError("[costs] false_positive and false_negative must both be positive")
    if not 0 < cfg.data.test_size < 1:
        raise ConfigError("[data] test_size must lie strictly between 0 and 1")
    if cfg.training.cv_folds < 2:
        raise ConfigError("[training] cv_folds must be at least 2")
    if cfg.training.cv_repeats < 1:
        raise ConfigError("[training] cv_repeats must be at least 1")
    if not 0 < cfg.training.max_calibration_error < 1:
        raise ConfigError("[training] max_calibration_error must lie strictly between 0 and 1")
    if cfg.subgroups.min_denominator < 1:
        raise ConfigError("[subgroups] min_denominator must be at least 1")
    if cfg.api.max_batch < 1:
        raise ConfigError("[api] max_batch must be at least 1")
    unknown = set(cfg.training.candidates) - {"dummy", "logistic_regression", "gradient_boosting"}
    if unknown:
        raise ConfigError(f"[training] candidates has unknown models: {sorted(unknown)}")
    for band in cfg.subgroups.bands:
        if len(band.labels) != len(band.edges) + 1:
            raise ConfigError(
                f"[[subgroups.bands]] {band.name!r}: give one more label than edges "
                f"({len(band.edges)} edges, {len(band.labels)} labels)"
            )


def _section(raw: dict[str, Any], name: str, required: bool = True) -> dict[str, Any]:
    value = raw.get(name)
    if value is None:
        if required:
            raise ConfigError(f"config.toml has no [{name}] section")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a table")
    return value


_MISSING = object()


def _get(table: dict[str, Any], section: str, key: str, kind: Any, default: Any = _MISSING) -> Any:
    if key not in table:
        if default is _MISSING:
            raise ConfigError(f"[{section}] {key} is missing from config.toml")
        return default
    value = table[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise ConfigError(f"[{section}] {key} has the wrong type: {value!r}")
    return value


def _strings(table: dict[str, Any], section: str, key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[{section}] {key} must be a list of column names")
    return tuple(value)


def _subgroups(table: dict[str, Any]) -> SubgroupConfig:
    bands = []
    for item in table.get("bands", []):
        try:
            bands.append(
                Band(
                    name=str(item["name"]),
                    source=str(item["source"]),
                    edges=tuple(float(e) for e in item["edges"]),
                    labels=tuple(str(label) for label in item["labels"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"[[subgroups.bands]] entries need name, source, edges and labels: {item!r}"
            ) from exc
    return SubgroupConfig(
        columns=_strings(table, "subgroups", "columns"),
        bands=tuple(bands),
        as_features=_get(table, "subgroups", "as_features", bool, False),
        min_denominator=_get(table, "subgroups", "min_denominator", int, 30),
    )


def _bootstrap(table: dict[str, Any]) -> Bootstrap:
    return validated(Bootstrap, table, "bootstrap")


def _training(table: dict[str, Any]) -> TrainingConfig:
    return TrainingConfig(
        seed=_get(table, "training", "seed", int, 42),
        cv_folds=_get(table, "training", "cv_folds", int, 5),
        cv_repeats=_get(table, "training", "cv_repeats", int, 3),
        candidates=_strings(table, "training", "candidates") or TrainingConfig().candidates,
        max_calibration_error=float(
            _get(table, "training", "max_calibration_error", (int, float), 0.05)
        ),
    )


def _table(kind: Any, raw: dict[str, Any], name: str) -> Any:
    """A dataclass built from a simple [name] table, naming an unknown key on error."""
    table = _section(raw, name, required=False)
    try:
        return kind(**table)
    except TypeError as exc:
        raise ConfigError(f"[{name}] has an unknown key: {exc}") from exc
