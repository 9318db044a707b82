"""Request and response models. The request model is built from the feature schema saved
at training time: every field typed, bounded and required, unknown fields refused."""

from __future__ import annotations

import keyword
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic_core import PydanticCustomError

from ..data import FeatureSchema, NumericFeature


class ReasonCode(BaseModel):
    feature: str = Field(description="The feature (request field) behind this reason.")
    value: Any = Field(description="This case's value of it (null: unknown, imputed).")
    contribution: float = Field(
        description="How far this value raised the log-odds of the positive decision above "
        "the lowest this feature allows; reasons are sorted by it, largest first."
    )


class Prediction(BaseModel):
    score: float = Field(
        description="The model's score for the positive class, 0 to 1; a calibrated "
        "probability only when `calibrated` is true (see GET /model)."
    )
    calibrated: bool = Field(description="Whether `score` may be read as a probability.")
    positive_class: str = Field(description="The class the model flags.")
    flagged: bool = Field(description="True when score >= threshold.")
    decision: str = Field(description="The action that follows from the decision.")
    threshold: float
    reasons: list[ReasonCode] = Field(
        description="Up to four features that pushed this case toward the positive "
        "decision, largest first (adverse-action style); empty when none did."
    )
    model_version: str


class BatchPrediction(BaseModel):
    count: int
    model_version: str
    predictions: list[Prediction]


class Classes(BaseModel):
    negative: str
    positive: str


class Actions(BaseModel):
    negative: str
    positive: str


class CostsInfo(BaseModel):
    false_positive: float
    false_negative: float


class NumericInfo(BaseModel):
    name: str
    integer: bool
    minimum: float
    maximum: float
    nullable: bool = False


class CategoricalInfo(BaseModel):
    name: str
    categories: list[str]


class FeatureSchemaInfo(BaseModel):
    numeric: list[NumericInfo]
    categorical: list[CategoricalInfo]


class ModelInfo(BaseModel):
    """What is being served, from the metadata saved beside the artefact."""

    model_config = ConfigDict(protected_namespaces=())

    model_version: str
    model_name: str
    trained_at: str
    data_file: str
    data_sha256: str
    git_commit: str | None
    threshold: float
    calibrated: bool
    score_kind: Literal["probability", "score"]
    classes: Classes
    actions: Actions
    costs: CostsInfo
    headline_metrics: dict[str, Any] = Field(
        description="Cross-validated figures from training (see reports/evaluation.md)."
    )
    feature_schema: FeatureSchemaInfo
    artefact_sha256: str
    trusted_types: list[str]
    versions: dict[str, str]


def _number(value: Any) -> Any:
    # JSON booleans and numeric strings are not numbers for this API.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "Input should be a JSON number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    return value


def _whole_number(value: Any) -> Any:
    value = _number(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("int_from_float", "Input should be a whole number")
        return int(value)
    return value


def bounds(feature: NumericFeature, margin: float) -> tuple[float, float]:
    """Accepted range: the training range widened by `margin` of its width on each side.

    A value far outside what the model saw would be extrapolated silently; refusing it
    is safer. A feature always positive in training (an age, an amount, a duration) is
    widened on a log scale by `margin` of its log-range, so its bounds stay positive
    and plausible (ages 19 to 75 become 17 to 86, never 0); a feature never negative
    stays non-negative. Whole-number features get whole-number bounds, rounded inward.
    """
    if margin < 0:
        raise ValueError(f"[api] range_margin must not be negative, not {margin}")
    if feature.minimum > 0:
        log_low, log_high = math.log(feature.minimum), math.log(feature.maximum)
        widen = margin * (log_high - log_low)
        low, high = math.exp(log_low - widen), math.exp(log_high + widen)
    else:
        width = feature.maximum - feature.minimum
        low, high = feature.minimum - margin * width, feature.maximum + margin * width
        if feature.minimum == 0:
            low = 0.0
    if feature.integer:
        low, high = float(math.ceil(low)), float(math.floor(high))
    # Never narrower than what training saw, whatever the rounding.
    return min(low, feature.minimum), max(high, feature.maximum)


def field_name(column: str, taken: set[str]) -> str:
    """A Python identifier for a column; the column name itself stays the JSON key."""
    name = re.sub(r"\W", "_", column)
    if not name or name[0].isdigit() or keyword.iskeyword(name) or name.startswith("_"):
        name = f"f_{name}"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def record_model(
    schema: FeatureSchema, margin: float, example: dict[str, Any] | None = None
) -> type[BaseModel]:
    """The request body for one case; `example` (a real held-out case) documents it."""
    fields: dict[str, Any] = {}
    taken: set[str] = set()
    pct = f"{margin * 100:g}%"
    for feature in schema.numeric:
        low, high = bounds(feature, margin)
        scale = "log-range" if feature.minimum > 0 else "width"
        seen = (
            f"accepted {low:g} to {high:g}: the training range {feature.minimum:g} to "
            f"{feature.maximum:g} widened by {pct} of its {scale} on each side"
        )
        if feature.integer:
            kind: Any = Annotated[
                int, Field(ge=int(low), le=int(high)), BeforeValidator(_whole_number)
            ]
            seen += "; a whole number"
        else:
            kind = Annotated[float, Field(ge=low, le=high), BeforeValidator(_number)]
        if feature.nullable:
            kind = kind | None
            seen += "; null when unknown (imputed)"
        fields[field_name(feature.name, taken)] = (
            kind,
            Field(alias=feature.name, description=seen),
        )
    for cat in schema.categorical:
        options: Any = Literal[tuple(cat.categories)]
        fields[field_name(cat.name, taken)] = (
            options,
            Field(alias=cat.name, description="one of the categories seen in training"),
        )
    config = ConfigDict(extra="forbid", strict=False)
    if example:
        config["json_schema_extra"] = {"examples": [example]}
    return create_model(
        "Record",
        __config__=config,
        **fields,
    )


def batch_model(record: type[BaseModel], max_batch: int) -> type[BaseModel]:
    return create_model(
        "Batch",
        __config__=ConfigDict(extra="forbid"),
        records=(list[record], Field(min_length=1, max_length=max_batch)),  # type: ignore[valid-type]
    )
