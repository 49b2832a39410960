"""ASGI guard in front of Django: request bodies are size-limited, and chunked ones are read.

Django (and DRF after it) reads a request without Content-Length as an empty body, so a
`Transfer-Encoding: chunked` PUT of a document used to arrive as "no fields" and empty the
diagram. Here such a body is counted while it arrives, refused with 413 as soon as it passes
the limit (before the rest is buffered), and otherwise handed on with the Content-Length it
turned out to have. A declared Content-Length over the limit is refused before reading a byte.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings

from apps.common.errors import ERROR_TOO_LARGE, error_body

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_TOO_LARGE_BODY = json.dumps(
    error_body(ERROR_TOO_LARGE, "The request body is larger than the server accepts.")
).encode()


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server's HTTP parser refuses these before we see them
    return None


async def _send_too_large(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_TOO_LARGE_BODY)).encode()),
                # The client may still be sending; the rest of its body is not read.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _TOO_LARGE_BODY})


class BodyLimitMiddleware:
    """Wraps the Django HTTP application; see the module docstring."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int | None = None) -> None:
        self.app = app
        self._max_body_bytes = max_body_bytes

    @property
    def max_body_bytes(self) -> int | None:
        if self._max_body_bytes is not None:
            return self._max_body_bytes
        limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        headers = list(scope.get("headers", []))
        declared = _declared_length(headers)
        if declared is not None:
            if limit is not None and declared > limit:
                await _send_too_large(send)
                return
            await self.app(scope, receive, send)
            return

        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; nothing to answer
            body += message.get("body", b"")
            if limit is not None and len(body) > limit:
                await _send_too_large(send)
                return
            if not message.get("more_body", False):
                break

        if body:
            headers = [
                (name, value)
                for name, value in headers
                if name.lower() not in (b"transfer-encoding", b"content-length")
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            scope = dict(scope, headers=headers)

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
