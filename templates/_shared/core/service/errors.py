"""One JSON error shape (`ErrorBody`) for every failure, installed once per app.

Malformed JSON is a 400, a well-formed body that breaks the schema a 422, a body over
the size limit a 413, a model not loaded yet a 503, anything unexpected a 500 whose
traceback goes to the log and never to the client. A 422 names the fields at fault but
never echoes their values: echoing could leak data into logs, and a non-finite number
(Python's JSON parser accepts `Infinity`) cannot even be serialised in a reply.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from .schemas import ErrorBody, ErrorDetail

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    503: "not_ready",
}

# For the OpenAPI `responses=` of a route: these statuses answer with an ErrorBody.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
    413: {"model": ErrorBody, "description": "The body is larger than the service accepts."},
    422: {"model": ErrorBody, "description": "The body does not match the schema."},
    503: {"model": ErrorBody, "description": "The model is not loaded yet."},
}


class ServiceError(HTTPException):
    """An error a route raises on purpose: status, stable code and one-line message."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code=status_code, detail=message)
        self.code = code
        self.message = message


def error_response(
    status_code: int, code: str, message: str, details: list[ErrorDetail] | None = None
) -> Response:
    """An `ErrorBody` reply; the one place the error shape is built."""
    body = ErrorBody(code=code, message=message, details=details or [])
    return JSONResponse(status_code=status_code, content=body.model_dump())


def install_error_handlers(app: FastAPI) -> None:
    """Route every error of `app` through `ErrorBody`."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    details = [
        ErrorDetail(
            loc=[part if isinstance(part, int) else str(part) for part in err.get("loc", ())],
            msg=str(err.get("msg", "")),
            type=str(err.get("type", "")),
        )
        for err in errors
    ]
    where = ", ".join(".".join(str(p) for p in d.loc) for d in details[:3])
    more = f" and {len(details) - 3} more" if len(details) > 3 else ""
    noun = "problem" if len(details) == 1 else "problems"
    return error_response(
        422, "invalid_request", f"{len(details)} {noun} with the request: {where}{more}", details
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, ServiceError):
        return error_response(exc.status_code, exc.code, exc.message)
    code = CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    response = error_response(exc.status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _internal_error(request: Request, exc: Exception) -> Response:
    # The traceback is for the operator's log; the client learns only that it failed.
    logger.exception("unhandled error on %s", request.url.path)
    return error_response(500, "internal_error", "internal error; the service log has details")
