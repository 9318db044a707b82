"""The family's HTTP service skeleton; see `app.create_service` for the way in.

Public surface: `create_service`, `served_model`, `ServedModel` (app); `JsonBody`,
`DirectRoute`, `json_response` (body); `ServiceSettings` (settings); `ServiceError`,
`ERROR_RESPONSES`, `error_response` (errors); `BodySizeLimit` (limits); `Health`,
`Ready`, `ErrorBody`, `ErrorDetail` (schemas); `read_metadata`, `artefact_loader`,
`decision_control`, `model_getter` (project: what every app factory does around its routes).
"""

from .app import ServedModel, create_service, served_model
from .body import DirectRoute, JsonBody, json_response
from .errors import ERROR_RESPONSES, ServiceError, error_response
from .limits import BodySizeLimit
from .project import artefact_loader, decision_control, model_getter, read_metadata
from .schemas import ErrorBody, ErrorDetail, Health, Ready
from .settings import ServiceSettings

__all__ = [
    "ERROR_RESPONSES",
    "BodySizeLimit",
    "DirectRoute",
    "ErrorBody",
    "ErrorDetail",
    "Health",
    "JsonBody",
    "Ready",
    "ServedModel",
    "ServiceError",
    "ServiceSettings",
    "artefact_loader",
    "create_service",
    "decision_control",
    "error_response",
    "json_response",
    "model_getter",
    "read_metadata",
    "served_model",
]
