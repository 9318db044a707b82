"""Response models every service of the family shares: health, readiness, errors."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """Readiness: the model is loaded and verified."""

    status: Literal["ready"] = "ready"
    model_version: str = Field(description="Name and sha256 prefix of the served model.")


class ErrorDetail(BaseModel):
    """One problem with the request: where (`loc`), what (`msg`) and its kind (`type`)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """The one error shape of every family service, whatever the status code.

    `code` is stable and meant for programs (`invalid_json`, `invalid_request`,
    `body_too_large`, `not_ready`, `not_found`, `method_not_allowed`, `internal_error`);
    `message` is one line for people; `details` lists the fields at fault, if any.
    """

    code: str = Field(examples=["invalid_request"])
    message: str = Field(examples=["1 problem with the request: body.age_years"])
    details: list[ErrorDetail] = Field(default_factory=list)
