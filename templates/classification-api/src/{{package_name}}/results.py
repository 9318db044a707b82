"""The typed hand-offs between stages: the training summary and `reports/metrics.json`.

Each file is written and read through one pydantic model, so a report reads fields, not
string keys, and a renamed field fails the type check instead of a sentence. Costs are
per 1,000 decisions wherever a field name ends in `_per_1k`, in the units of the cost
matrix; rates are shares in [0, 1], each with its count and denominator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from .binary.audit import ColumnAudit
from .binary.calibration import Calibration
from .binary.threshold import ThresholdStudy
from .core.stats import Bootstrap, Interval


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Spread(Frozen):
    """Lowest and highest value over the repeats of cross-validation (not an interval)."""

    low: float
    high: float


class Candidate(Frozen):
    """One candidate model, scored by repeated cross-validation on the training rows.

    `cost_per_1k` has a bootstrap interval over training rows (each row's cost averaged
    over the repeats); `cost_spread` is the range of the repeats' means;
    `difference_to_best` is the paired bootstrap of this candidate's cost minus the
    cheapest candidate's (0 for the cheapest itself).
    """

    name: str
    cost_per_1k: Interval
    cost_spread: Spread
    difference_to_best: Interval
    roc_auc: float
    brier: float


class FeatureVariant(Frozen):
    """The selected model with or without the audited columns among its features."""

    audited_as_features: bool
    features: list[str]
    cost_per_1k: Interval
    cost_spread: Spread


class CalibrationStudy(Frozen):
    """Calibration of the raw and the Platt-scaled scores, both cross-validated."""

    raw: Calibration
    calibrated: Calibration
    platt_served: bool
    served_calibrated: bool
    reason: str

    @property
    def served(self) -> Calibration:
        return self.calibrated if self.platt_served else self.raw


class CostRatioPoint(Frozen):
    """At one cost ratio C_fn/C_fp: the threshold the training folds choose."""

    ratio: float
    threshold: float
    formula_threshold: float


class FoldCurves(Frozen):
    grid: list[float]
    per_1k: list[list[float]]
    repeats: list[int]


class TrainingSummary(Frozen):
    """What `train` decided on the training rows, and the numbers it decided on."""

    selected: str
    selection_rule: str
    cv_folds: int
    cv_repeats: int
    seed: int
    candidates: list[Candidate]
    threshold_study: ThresholdStudy
    served_threshold: float
    formula_threshold: float
    calibration: CalibrationStudy
    audited_as_features: bool
    feature_variants: list[FeatureVariant]
    variant_difference_per_1k: Interval
    cost_ratios: list[CostRatioPoint]
    sensitivity: list[CostRatioPoint]
    # Only in models/training.json (metrics.json leaves them out): the cost curve of
    # every fold the tuning used, per 1,000 decisions, on `grid`, and each fold's repeat.
    curves: FoldCurves | None = None

    def candidate(self, name: str) -> Candidate:
        return next(c for c in self.candidates if c.name == name)


class Rates(Frozen):
    """Test-set rates at the served threshold, each with count and denominator."""

    positive_rate: Interval
    flag_rate: Interval
    false_positive_rate: Interval
    false_negative_rate: Interval
    precision_flagged: Interval


class Policy(Frozen):
    """A policy's expected cost on the test rows, per 1,000 decisions."""

    name: str
    threshold: float | None
    cost_per_1k: Interval


class ErrorCase(Frozen):
    """One costly error on the test set: its score and the features that pushed it."""

    kind: str
    line: int
    score: float
    cost: float
    drivers: list[str]


class FeatureEffect(Frozen):
    """Mean drop in test ROC-AUC when a feature's values are shuffled (permutation)."""

    feature: str
    importance: float
    spread: float


class TestResults(Frozen):
    n: int
    confusion: dict[str, int]
    rates: Rates
    roc_auc: Interval
    pr_auc: float
    cost_per_1k: Interval
    policies: list[Policy]
    best_trivial_policy: str
    saving_vs_best_trivial_per_1k: Interval
    saving_vs_best_trivial_percent: Interval
    saving_vs_threshold_0_5_per_1k: Interval
    calibration: Calibration


class SensitivityRow(Frozen):
    factor: float
    ratio: float
    threshold: float
    cost_per_1k_at_retuned_threshold: float
    cost_per_1k_at_served_threshold: float


class Meaning(Frozen):
    positive_class: str
    negative_class: str
    positive_action: str
    negative_action: str
    false_positive: str
    false_negative: str


class Metrics(Frozen):
    """Everything the reports say, from one run; no timestamps, paths or durations."""

    data: dict[str, Any]
    costs: dict[str, float]
    meaning: Meaning
    bootstrap: Bootstrap
    training: TrainingSummary
    threshold: float
    calibrated: bool
    test: TestResults
    test_cost_curve_per_1k: list[float]
    test_flag_rate_curve: list[float]
    cost_ratio_test_cost_per_1k: list[float]
    sensitivity: list[SensitivityRow]
    subgroups: list[ColumnAudit]
    errors: list[ErrorCase]
    feature_effects: list[FeatureEffect]


Model = TypeVar("Model", bound=BaseModel)


def write(path: Path, value: BaseModel) -> None:
    """Write a result file as indented JSON, staged then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(value.model_dump_json(indent=1) + "\n", encoding="utf-8")
    staging.replace(path)


def read(path: Path, kind: type[Model]) -> Model:
    return kind.model_validate_json(path.read_text(encoding="utf-8"))
