"""The example case the OpenAPI schema and the demo page show: a real held-out case.

The first row of the held-out test split (lowest line of the data file) when the data
and its split are present, as after `make data`; otherwise (a container built without
the data) a typical case made from the feature schema, said to be one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..data import DataValidationError, FeatureSchema
from ..prepare import load_split


@dataclass(frozen=True)
class Example:
    record: dict[str, Any]
    held_out: bool
    line: int | None = None


def example_case(cfg: Config, schema: FeatureSchema) -> Example:
    try:
        _, test, _ = load_split(cfg)
    except (DataValidationError, OSError, KeyError, ValueError):
        return Example(typical_case(schema), held_out=False)
    # A split of other data than the model was trained on (its columns differ) shows no
    # case of its own: the typical case stands in, said to be one.
    if not len(test.target) or not set(schema.columns) <= set(test.features.columns):
        return Example(typical_case(schema), held_out=False)
    return Example(schema.records(test.features.head(1))[0], True, int(test.lines[0]))


def typical_case(schema: FeatureSchema) -> dict[str, Any]:
    """The middle of each training range and the first category: valid, not real."""
    case: dict[str, Any] = {}
    for f in schema.numeric:
        middle = (f.minimum + f.maximum) / 2
        case[f.name] = round(middle) if f.integer else middle
    for c in schema.categorical:
        case[c.name] = c.categories[0]
    return case
