"""ASGI middleware for what no single endpoint should have to check."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressroom.api.fields import has_control_characters


async def _answer(
    send: Send,
    status: int,
    field: str,
    message: str,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    body = json.dumps({"errors": {field: [message]}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitRequestTime:
    """Answer 503 (with ``Retry-After``) to a request still running after ``seconds``.

    The request is cancelled: its transaction is rolled back and its connection closed,
    so a worker is never held forever. A response already under way is cut instead.
    """

    def __init__(self, app: ASGIApp, seconds: float, retry_after: int) -> None:
        self.app = app
        self.seconds = seconds
        self.retry_after = str(retry_after).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.seconds:
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, watched_send)
        except TimeoutError:
            if started:
                raise
            message = f"took longer than {self.seconds:g} seconds"
            await _answer(send, 503, "request", message, ((b"retry-after", self.retry_after),))


_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


class LimitRequestBody:
    """Answer 413 in the API's envelope to a body larger than ``max_bytes``.

    A declared Content-Length over the limit is refused before anything is read. A body
    sent without one is read up to the limit first and handed on only if it fits, so an
    endpoint never sees, let alone stores, part of an oversized body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is None and scope["method"] in _WITHOUT_BODY:
            await self.app(scope, receive, send)  # nothing reads such a body
            return
        if declared is not None and declared.isdigit():
            if int(declared) > self.max_bytes:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        await _answer(send, 413, "body", f"is larger than {self.max_bytes} bytes")


class RefuseControlCharacters:
    """Answer 422 when the path or query string carries control characters.

    Path and query values reach SQL as bound parameters, but PostgreSQL rejects a NUL
    character in any text, which would otherwise surface as a server error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote(scope.get("query_string", b"").decode("latin-1"))
            if has_control_characters(scope["path"]) or has_control_characters(query):
                body = json.dumps({"errors": {"request": ["contains control characters"]}})
                await send(
                    {
                        "type": "http.response.start",
                        "status": 422,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body.encode()})
                return
        await self.app(scope, receive, send)


# Nothing the API answers is meant to run scripts, load anything or sit in a frame.
STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The interactive API docs (Swagger UI) load their script and style from jsDelivr and
# start with an inline script; they get exactly that and nothing more.
DOCS_POLICY = (
    "default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src https://cdn.jsdelivr.net; img-src https://fastapi.tiangolo.com data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# The site's pages: their own script, style and images, and pictures in articles from
# wherever their authors link; no inline script or style, so an injected one cannot run.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Answers that are data, never pages.
DATA_PATHS = ("/api/", "/healthz", "/readyz", "/metrics")


def policy_for(path: str, docs_paths: frozenset[str]) -> str:
    if path in docs_paths:
        return DOCS_POLICY
    if path.startswith(DATA_PATHS) or path.endswith(".xml"):
        return STRICT_POLICY
    return PAGE_POLICY


class SecurityHeaders:
    """Headers that keep browsers from misreading or framing any response.

    ``Content-Security-Policy`` is strictest on data, looser on the site's pages (see
    ``PAGE_POLICY``) and on the API docs; HTTPS requests
    also get ``Strict-Transport-Security``.
    """

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str]) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = policy_for(scope["path"], self.docs_paths)
        extra = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
