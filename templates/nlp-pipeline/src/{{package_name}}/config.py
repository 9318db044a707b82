"""The project's single source of paths and parameters, read from `config.toml`.

Every stage takes a `Config`; nothing else in the package names a column, a path or a
cost. The file is validated by pydantic: an unknown key, a wrong type or an impossible
value stops the run with one line naming the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from .core import config as core
from .core.config import DEFAULT_CONFIG, ConfigError, Section, validated

__all__ = ["DEFAULT_CONFIG", "Config", "ConfigError", "load_config", "parse_config"]

CANDIDATES = ("dummy", "logreg_word", "logreg_word_char", "linear_svm_word_char")


class DataConfig(Section):
    path: Path
    text_column: str = "text"
    label_column: str = "label"
    positive_class: str
    max_chars: int = Field(default=5000, ge=1)
    test_size: float = Field(default=0.2, gt=0, lt=1)
    min_rows_per_class: int = Field(default=20, ge=2)


class NormaliseConfig(Section):
    lowercase: bool = True
    replace_urls: bool = True
    replace_phone_numbers: bool = True
    replace_numbers: bool = True
    url_token: str = "urltoken"
    phone_token: str = "phonetoken"
    number_token: str = "numbertoken"


class DeduplicateConfig(Section):
    enabled: bool = True


class CostConfig(Section):
    # Two labels: the cost of each kind of error.
    false_positive: float = Field(gt=0)
    false_negative: float = Field(gt=0)
    # More than two labels: {true label: {decided label: cost}}; any error not listed costs 1.
    matrix: dict[str, dict[str, float]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _non_negative(self) -> CostConfig:
        for true, row in self.matrix.items():
            for decided, cost in row.items():
                if cost < 0:
                    raise ValueError(f"matrix.{true}.{decided} must be 0 or more, not {cost}")
        return self


class DecisionConfig(Section):
    positive_action: str = "flag"
    negative_action: str = "pass"
    false_positive: str = "negative messages wrongly flagged"
    false_negative: str = "positive messages missed"
    negative_name: str = "negative messages"
    positive_name: str = "positive messages"


class TrainingConfig(Section):
    seed: int = 42
    cv_folds: int = Field(default=5, ge=2)
    # Fold splits (seeds) on which the threshold is chosen; their spread is reported.
    threshold_repeats: int = Field(default=3, ge=1)
    candidates: tuple[str, ...] = CANDIDATES

    @model_validator(mode="after")
    def _known(self) -> TrainingConfig:
        unknown = sorted(set(self.candidates) - set(CANDIDATES))
        if unknown or not self.candidates:
            raise ValueError(f"candidates must be some of {', '.join(CANDIDATES)}")
        return self


class EvaluationConfig(Section):
    bootstrap_samples: int = Field(default=2000, ge=100)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    length_edges: tuple[int, ...] = (40, 120)
    top_errors: int = Field(default=5, ge=0)
    top_features: int = Field(default=15, ge=1)


class AutomationConfig(Section):
    review_cost: float = Field(default=0.2, ge=0)


class PredictConfig(Section):
    chunk_size: int = Field(default=5000, ge=1)
    workers: int = Field(default=0, ge=0)


class ApiConfig(Section):
    max_batch: int = Field(default=1000, ge=1)
    max_chars: int = Field(default=5000, ge=1)


class Paths(core.Paths):
    @property
    def model(self) -> Path:
        return self.models_dir / "model.skops"

    @property
    def model_metadata(self) -> Path:
        return self.models_dir / "model.json"

    def stage(self, name: str) -> Path:
        """The artefact a data stage writes, e.g. `stage("normalised")`."""
        return self.processed_dir / f"{name}.jsonl"

    @property
    def quarantine(self) -> Path:
        return self.processed_dir / "quarantine.csv"

    @property
    def data_summary(self) -> Path:
        return self.processed_dir / "summary.json"


class Config(Section):
    data: DataConfig
    normalise: NormaliseConfig = Field(default_factory=NormaliseConfig)
    deduplicate: DeduplicateConfig = Field(default_factory=DeduplicateConfig)
    costs: CostConfig
    decision: DecisionConfig = Field(default_factory=DecisionConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    automation: AutomationConfig = Field(default_factory=AutomationConfig)
    predict: PredictConfig = Field(default_factory=PredictConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    paths: Paths = Field(default_factory=Paths)


def load_config(path: Path = DEFAULT_CONFIG) -> Config:
    """Read `config.toml`; relative paths in it are taken relative to its folder."""
    return core.load(path, parse_config)


def parse_config(raw: dict[str, Any]) -> Config:
    """Build a `Config` from parsed TOML, naming the first key at fault."""
    return validated(Config, raw)
