"""`reports/metrics.json`: its schema, written and read through one pydantic model.

`evaluate` writes it only after the schema accepted it; the report and the API's `/model`
read it only through `read_metrics`, which turns a missing, hand-edited or outdated file
into one line that says what is wrong and what to run. Keys that carry a list length
(`ndcg@10`) stay dictionary keys, checked against `k` by the validators below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from .core.errors import ProjectError

# Bounds are rounded to 6 digits: allow that much slack between estimate and bounds.
_SLACK = 1e-6


class MetricsError(ProjectError):
    """`metrics.json` is missing or does not match the schema; the message says what to run."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Estimate(_Frozen):
    """A mean over users with its bootstrap interval and the number of users behind it;
    value, low and high are all None when the mean is undefined (no user to average)."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    @model_validator(mode="after")
    def _encloses_its_value(self) -> Estimate:
        values = (self.value, self.low, self.high)
        if all(v is None for v in values):
            return self
        if any(v is None for v in values):
            raise ValueError("value, low and high are all numbers or all null")
        assert self.value is not None and self.low is not None and self.high is not None
        if not self.low - _SLACK <= self.value <= self.high + _SLACK:
            raise ValueError(f"interval [{self.low}, {self.high}] does not contain {self.value}")
        return self


class Quantiles(_Frozen):
    min: float
    q1: float
    median: float
    q3: float
    max: float


class DataSummary(_Frozen):
    file: str
    sha256: str
    interactions: int
    users: int
    items: int
    density: float
    positives: int
    positive_rule: str
    interactions_per_user: Quantiles
    interactions_per_item: Quantiles


class SplitSummary(_Frozen):
    method: str
    time_column: str | None
    time_counts_back: bool
    test_cut: float | None
    validation_cut: float | None
    time_steps: int | None
    parts: dict[str, int]
    test: dict[str, int]
    validation: dict[str, int]


class Tried(_Frozen):
    params: dict[str, int | float]
    score: float
    coverage: float


class Tuned(Tried):
    tried: list[Tried]


class Selection(_Frozen):
    metric: str
    accuracy_tolerance: float
    fit_on: str
    validation: dict[str, Tuned]


class SegmentDefinition(_Frozen):
    light_max_interactions: float
    light_users: int
    heavy_users: int
    head_share: float
    head_items: int
    tail_items: int


class Segments(_Frozen):
    # light/heavy: {"users": n, "ndcg@k": ..., ...}; head/tail: {"users", "relevant_items",
    # "recall@k"}.
    user_activity: dict[str, dict[str, int | Estimate]]
    item_popularity: dict[str, dict[str, int | Estimate]]


class ModelMetrics(_Frozen):
    params: dict[str, int | float]
    memory_bytes: int
    ranking: dict[str, Estimate]
    vs_baseline: dict[str, Estimate] | None = None
    beyond: dict[str, float | Estimate]
    vs_served: dict[str, Estimate] | None = None
    segments: Segments


class ColdStart(_Frozen):
    model_config = ConfigDict(frozen=True, extra="allow")  # plus "hit_rate@k" etc.

    users: int
    users_with_positives: int
    evaluated_users: int
    fallback: str


class BootstrapInfo(_Frozen):
    resamples: int
    seed: int
    method: str
    confidence: float
    over: str
    described: str


class Metrics(_Frozen):
    """Everything the reports say, from one run; no timestamps, paths or durations."""

    data: DataSummary
    split: SplitSummary
    wording: dict[str, str]
    k: list[int]
    headline_k: int
    served_model: str
    # Candidates that could not be fitted here, with the reason (ALS without implicit).
    skipped: dict[str, str]
    selection: Selection
    segments: SegmentDefinition
    models: dict[str, ModelMetrics]
    cold_start: ColdStart
    bootstrap: BootstrapInfo

    @model_validator(mode="after")
    def _consistent(self) -> Metrics:
        if "most_popular" not in self.models:
            raise ValueError("models has no most_popular, the baseline every model is held to")
        if self.served_model not in self.models:
            raise ValueError(f"served_model {self.served_model!r} is not among models")
        if self.headline_k not in self.k:
            raise ValueError(f"headline_k {self.headline_k} is not among k {self.k}")
        overlap = set(self.skipped) & set(self.models)
        if overlap:
            raise ValueError(f"{', '.join(sorted(overlap))} both skipped and evaluated")
        for name, model in self.models.items():
            at = {key.partition("@")[2] for key in model.ranking}
            if missing := [k for k in self.k if str(k) not in at]:
                raise ValueError(f"models.{name}.ranking has no metric at k = {missing[0]}")
            if (model.vs_baseline is None) != (name == "most_popular"):
                raise ValueError(f"models.{name}: every model but the baseline has vs_baseline")
        return self


def results_of_bundle(path: Path, metadata: dict[str, Any]) -> Metrics | None:
    """The validated metrics if they describe this bundle's served model (same model, same
    hyperparameters, same data); None if there are none yet or they are another run's.
    A file that exists but does not match the schema is a MetricsError, not None."""
    if not path.is_file():
        return None
    metrics = read_metrics(path)
    served = metadata["served_model"]
    entry = metrics.models.get(served)
    own = (
        metrics.served_model == served
        and metrics.data.sha256 == metadata["data_sha256"]
        and entry is not None
        and entry.params == metadata["models"][served]["params"]
    )
    return metrics if own else None


def write_metrics(path: Path, document: dict[str, Any]) -> Metrics:
    """Validate `document` and write it as indented JSON, staged then renamed into place."""
    metrics = Metrics.model_validate(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".tmp")
    # Only the fields given: the baseline has no `vs_baseline`, the served model no `vs_served`.
    text = json.dumps(metrics.model_dump(mode="json", exclude_unset=True), indent=2)
    staging.write_text(text + "\n", encoding="utf-8")
    staging.replace(path)
    return metrics


def read_metrics(path: Path) -> Metrics:
    """The validated metrics; MetricsError with one line if the file is missing or wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise MetricsError(f"{path.name} not found; run `make evaluate` first") from exc
    try:
        return Metrics.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the file"
        raise MetricsError(
            f"{path.name} does not match its schema ({where}: {error['msg']}); run "
            "`make evaluate` to write it again"
        ) from exc
