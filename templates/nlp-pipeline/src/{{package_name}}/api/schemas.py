"""Request and response models of the classification routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model


class Token(BaseModel):
    feature: str = Field(description="A term of the normalised text (word, bigram or n-gram).")
    contribution: float = Field(
        description="Its part of the model's log-odds (margin): positive pushes towards flagging."
    )


class Classification(BaseModel):
    label: str = Field(
        description="Two labels: the class decided (the positive class when flagged). "
        "More: the most probable label."
    )
    probability: float = Field(
        ge=0,
        le=1,
        description="Two labels: probability of the positive class. More: of `label`.",
    )
    probabilities: dict[str, float] = Field(description="The probability of every label.")
    flagged: bool = Field(
        description="Two labels: probability >= threshold. More: the decision is the "
        "positive class."
    )
    decision: str = Field(
        description="Two labels: the action that follows from the label. More: the label "
        "of least expected cost under the cost matrix."
    )
    review: bool = Field(
        description="True when the model is unsure enough that the review band sends "
        "the message to a person (two labels: close to the threshold; more: top-class "
        "probability below the cut-off)."
    )
    threshold: float | None = Field(description="Two labels: the threshold; more: null.")
    tokens: list[Token] = Field(description="The terms that drove the score, strongest first.")
    model_version: str


class BatchClassification(BaseModel):
    count: int
    model_version: str
    classifications: list[Classification]


class ModelInfo(BaseModel):
    """The `/model` response: what is served, where it came from, how it decides."""

    model_config = ConfigDict(extra="ignore", protected_namespaces=())

    model_version: str
    task: str = "binary"
    model_name: str
    model_description: str
    trained_at: str
    data_file: str
    data_sha256: str
    threshold: float | None
    review_cutoff: float
    labels: list[str] = []
    classes: dict[str, str]
    actions: dict[str, str]
    costs: dict[str, Any]
    normalise: dict[str, Any]
    headline_metrics: dict[str, Any]
    artefact_sha256: str
    versions: dict[str, str]


def message_model(max_chars: int) -> type[BaseModel]:
    """`{"text": "..."}`: one message of 1 to `max_chars` characters, nothing else."""
    return create_model(
        "Message",
        __config__=ConfigDict(extra="forbid", strict=True),
        text=(str, Field(min_length=1, max_length=max_chars, description="The message text.")),
    )


def batch_model(max_chars: int, max_batch: int) -> type[BaseModel]:
    """`{"texts": [...]}`: 1 to `max_batch` messages."""
    text = Annotated[str, Field(min_length=1, max_length=max_chars)]
    return create_model(
        "MessageBatch",
        __config__=ConfigDict(extra="forbid", strict=True),
        texts=(list[text], Field(min_length=1, max_length=max_batch)),
    )
