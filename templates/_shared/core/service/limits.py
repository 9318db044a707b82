"""A request body-size limit enforced before anything parses the body.

A pure ASGI middleware (no per-request task or stream wrapper on the common path): a
declared `Content-Length` over the limit is answered 413 before the body is read; a
body without one (chunked) is counted as it arrives and stopped at the limit. The
reply is the family's `ErrorBody`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ServiceError, error_response


class BodyTooLarge(ServiceError):
    """Raised while reading a chunked body that grows past the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, "body_too_large", _message(limit))


def _message(limit: int) -> str:
    return f"the request body is larger than {limit:,} bytes; send less (or a smaller batch)"


class BodySizeLimit:
    """`app.add_middleware(BodySizeLimit, max_bytes=65_536)`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
                break
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                await error_response(400, "bad_request", "invalid Content-Length header")(
                    scope, receive, send
                )
                return
            if too_large:
                await error_response(413, "body_too_large", _message(self.max_bytes))(
                    scope, receive, send
                )
                return
            # The server delivers no more than the declared length: nothing to count.
            await self.app(scope, receive, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # An HTTPException, so FastAPI's body reader passes it on unchanged
                    # and the app's error handler answers 413.
                    raise BodyTooLarge(self.max_bytes)
            return message

        return counted
