"""The family's HTTP service skeleton; see `app.create_service` for the way in.

Public surface: `create_service`, `served_model`, `ServedModel` (app); `JsonBody`,
`DirectRoute`, `json_response` (body); `ServiceSettings` (settings); `ServiceError`,
`ERROR_RESPONSES`, `error_response` (errors); `BodySizeLimit` (limits); `Health`,
`Ready`, `ErrorBody`, `ErrorDetail` (schemas).
"""

from .app import ServedModel, create_service, served_model
from .body import DirectRoute, JsonBody, json_response
from .errors import ERROR_RESPONSES, ServiceError, error_response
from .limits import BodySizeLimit
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
    "create_service",
    "error_response",
    "json_response",
    "served_model",
]
