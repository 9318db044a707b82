"""Response models of the recommendation routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..results import Estimate


class Recommendation(BaseModel):
    rank: int = Field(description="1 for the best.")
    item_id: str
    score: float = Field(description="The model's score; only the order is meaningful.")


class Recommendations(BaseModel):
    user_id: str
    model: str = Field(description="The model that made the list.")
    model_version: str
    k: int
    fallback: bool = Field(
        description="True when the user is unknown to the models and the list is the "
        "most-popular one instead of a personal recommendation."
    )
    fallback_reason: str | None = None
    items: list[Recommendation]


class SimilarItems(BaseModel):
    item_id: str
    model: str
    model_version: str
    k: int
    items: list[Recommendation]


class History(BaseModel):
    user_id: str
    known: bool = Field(description="Whether the user is in the training data.")
    items: list[str] = Field(description="The user's training items, never recommended again.")


class Evaluation(BaseModel):
    """The served model on the test split, from `reports/metrics.json` (`make evaluate`)."""

    evaluated_users: int
    k: int = Field(description="The list length the metrics below are for.")
    ranking: dict[str, Estimate] = Field(description="Means over users, with intervals.")
    vs_baseline: dict[str, Estimate] | None = Field(
        description="Paired differences against the most-popular baseline (model minus it); "
        "null when the baseline itself is served."
    )
    catalogue_coverage: float | None


class ModelInfo(BaseModel):
    model_version: str
    served_model: str
    candidates: list[str]
    models: dict[str, Any] = Field(description="Hyperparameters and memory of every model.")
    fit_on: str
    data_file: str
    data_sha256: str
    artefact_sha256: str
    users: int
    items: int
    default_k: int
    max_k: int
    skipped: dict[str, str] = Field(
        description="Configured models that were not trained here, and why."
    )
    evaluation: Evaluation | None = Field(
        description="Null until `make evaluate` has scored this bundle's served model."
    )
