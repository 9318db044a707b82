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


class Prediction(BaseModel):
    probability: float = Field(description="Probability of the positive class.")
    positive_class: str = Field(description="The class the model flags.")
    flagged: bool = Field(description="True when probability >= threshold.")
    decision: str = Field(description="The action that follows from the decision.")
    threshold: float
    model_version: str


class BatchPrediction(BaseModel):
    count: int
    model_version: str
    predictions: list[Prediction]


class Message(BaseModel):
    detail: str


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    model_version: str


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
    is safer. A feature never negative in training stays non-negative.
    """
    width = (feature.maximum - feature.minimum) or abs(feature.maximum) or 1.0
    low, high = feature.minimum - margin * width, feature.maximum + margin * width
    if feature.minimum >= 0:
        low = max(low, 0.0)
    if feature.integer:
        return float(math.floor(low)), float(math.ceil(high))
    return low, high


def field_name(column: str, taken: set[str]) -> str:
    """A Python identifier for a column; the column name itself stays the JSON key."""
    name = re.sub(r"\W", "_", column)
    if not name or name[0].isdigit() or keyword.iskeyword(name) or name.startswith("_"):
        name = f"f_{name}"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def record_model(schema: FeatureSchema, margin: float) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    taken: set[str] = set()
    for feature in schema.numeric:
        low, high = bounds(feature, margin)
        seen = f"training range {feature.minimum:g} to {feature.maximum:g}"
        if feature.integer:
            kind: Any = Annotated[
                int, Field(ge=int(low), le=int(high)), BeforeValidator(_whole_number)
            ]
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
    return create_model(
        "Record",
        __config__=ConfigDict(extra="forbid", strict=False),
        **fields,
    )


def batch_model(record: type[BaseModel], max_batch: int) -> type[BaseModel]:
    return create_model(
        "Batch",
        __config__=ConfigDict(extra="forbid"),
        records=(list[record], Field(min_length=1, max_length=max_batch)),  # type: ignore[valid-type]
    )
