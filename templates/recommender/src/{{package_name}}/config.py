"""The project's single source of paths and parameters, read from `config.toml`.

Every stage takes a `Config`; nothing else in the package names a column, a path or a
parameter. Pointing the pipeline at another CSV of interactions means editing
`config.toml` only. pydantic validates the file, and `load_config` turns its errors into
one line that names the key at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from .core import config as core
from .core.config import DEFAULT_CONFIG, ConfigError, Section, validated

RANKING_METRICS = ("precision", "recall", "ndcg", "map", "hit_rate", "mrr")

__all__ = ["DEFAULT_CONFIG", "Config", "ConfigError", "load_config", "parse_config"]


class DataConfig(Section):
    path: Path
    user_column: str = Field(min_length=1)
    item_column: str = Field(min_length=1)
    rating_column: str = ""
    positive_threshold: float = 4.0
    time_column: str = ""
    time_counts_back: bool = False


class SplitConfig(Section):
    test_fraction: float = Field(default=0.25, gt=0, lt=1)
    validation_fraction: float = Field(default=0.25, gt=0, lt=1)


class TrainingConfig(Section):
    seed: int = 42
    fit_on: Literal["all", "positive"] = "all"
    candidates: tuple[Literal["most_popular", "item_knn", "ease", "als"], ...] = (
        "most_popular",
        "item_knn",
        "ease",
        "als",
    )
    item_knn_neighbours: tuple[int, ...] = (20, 50, 100, 200, 400)
    ease_l2: tuple[float, ...] = (10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0)
    als_factors: tuple[int, ...] = (32, 64, 128)
    als_regularization: tuple[float, ...] = (1.0,)
    als_alpha: tuple[float, ...] = (10.0, 20.0, 50.0)
    als_iterations: int = Field(default=15, ge=1)
    selection_metric: str = "ndcg@10"

    @field_validator("candidates")
    @classmethod
    def _baseline_first(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or value[0] != "most_popular" or len(set(value)) != len(value):
            raise ValueError("list most_popular first (the baseline), each model once")
        return value

    @field_validator("item_knn_neighbours")
    @classmethod
    def _positive_neighbours(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or min(value) < 1:
            raise ValueError("give one or more neighbour counts, each at least 1")
        return value

    @field_validator("ease_l2", "als_regularization", "als_alpha")
    @classmethod
    def _positive_values(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value or min(value) <= 0:
            raise ValueError("give one or more values, each above 0")
        return value

    @field_validator("als_factors")
    @classmethod
    def _positive_factors(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or min(value) < 1:
            raise ValueError("give one or more factor counts, each at least 1")
        return value

    @field_validator("selection_metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        name, _, k = value.partition("@")
        if name not in RANKING_METRICS or not k.isdigit() or int(k) < 1:
            raise ValueError(f"use one of {', '.join(RANKING_METRICS)} with @k, e.g. ndcg@10")
        return value

    @property
    def selection(self) -> tuple[str, int]:
        name, _, k = self.selection_metric.partition("@")
        return name, int(k)


class DecisionConfig(Section):
    accuracy_tolerance: float = Field(default=0.05, ge=0, lt=1)


class EvaluationConfig(Section):
    k: tuple[int, ...] = (5, 10, 20)
    bootstrap_samples: int = Field(default=2000, ge=100)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    head_share: float = Field(default=0.2, gt=0, lt=1)

    @field_validator("k")
    @classmethod
    def _sorted_ks(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or min(value) < 1 or list(value) != sorted(set(value)):
            raise ValueError("give list lengths in increasing order, each at least 1")
        return value

    @property
    def k_max(self) -> int:
        return max(self.k)


class WordingConfig(Section):
    user: str = "user"
    users: str = "users"
    item: str = "item"
    items: str = "items"


class ApiConfig(Section):
    default_k: int = Field(default=10, ge=1)
    max_k: int = Field(default=100, ge=1)


class Paths(core.Paths):
    @property
    def split_parts(self) -> Path:
        return self.processed_dir / "split_parts.npy"

    @property
    def bench_results(self) -> Path:
        return self.reports_dir / "bench.json"

    def model(self, name: str) -> Path:
        return self.models_dir / f"{name}.npz"

    def model_metadata(self, name: str) -> Path:
        return self.models_dir / f"{name}.json"


class Config(Section):
    data: DataConfig
    split: SplitConfig = Field(default_factory=SplitConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    decision: DecisionConfig = Field(default_factory=DecisionConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    wording: WordingConfig = Field(default_factory=WordingConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    paths: Paths = Field(default_factory=Paths)


def load_config(path: Path = DEFAULT_CONFIG) -> Config:
    """Read `config.toml`; relative paths in it are taken relative to its folder."""
    return core.load(path, parse_config)


def parse_config(raw: dict[str, object]) -> Config:
    """Build a `Config` from parsed TOML, naming the first key at fault on error."""
    cfg = validated(Config, raw)
    if cfg.api.default_k > cfg.api.max_k:
        raise ConfigError("[api] default_k must not exceed max_k")
    if cfg.training.selection[1] > cfg.evaluation.k_max:
        raise ConfigError(
            "[training] selection_metric's k must not exceed the largest [evaluation] k"
        )
    return cfg
