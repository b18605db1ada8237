"""ASGI middleware: what every request goes through and no single endpoint should handle.

Each layer of middleware costs every request a call, and one that watches the answer a
wrapped ``send`` as well; so it is all gathered into two layers, with Starlette's CORS
middleware between them for cross-origin requests, whose refusals must carry its headers:

- ``EveryAnswer``, outermost: the request id, the security headers, the log line and the
  metrics of every answer, CORS preflights and refusals included; HEAD, wherever GET is
  taken (RFC 9110 requires it); and CORS, for the requests that come from another origin;
- ``RequestLimits``, inside CORS: refuses what no endpoint should see, and cuts a request
  that runs too long.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import unquote

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressroom.api import observability
from pressroom.api.fields import has_control_characters
from pressroom.kit.paths import FEED_NAMES, ends_in_feed_name

Header = tuple[bytes, bytes]

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
STRICT_TRANSPORT_SECURITY = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


# The feeds and the sitemap: the site's, and an author's or a tag's (/@ann/feed.xml).
SITE_DOCUMENTS = frozenset({"/feed.xml", "/atom.xml", "/sitemap.xml"})
SITEMAP_FILES = "/sitemaps/"  # the files of a sitemap index


def is_xml_document(path: str, raw_path: bytes | None = None) -> bool:
    """A feed's path; not a page whose name ends in .xml, as /@ann.xml or /tags/feed.xml,
    nor the page of a tag named ``c/feed.xml`` (sent as /tags/c%2Ffeed.xml)."""
    if path in SITE_DOCUMENTS or path.startswith(SITEMAP_FILES):
        return True
    owner, _, name = path.rpartition("/")
    if name not in FEED_NAMES or not owner.startswith(("/@", "/tags/")):
        return False
    return raw_path is None or ends_in_feed_name(raw_path)


def policy_for(path: str, docs_paths: frozenset[str], raw_path: bytes | None = None) -> str:
    if path in docs_paths:
        return DOCS_POLICY
    if path.startswith(DATA_PATHS) or is_xml_document(path, raw_path):
        return STRICT_POLICY
    return PAGE_POLICY


def security_headers(policy: str) -> tuple[Header, ...]:
    """Headers that keep browsers from misreading or framing an answer."""
    return (
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    )


# What Starlette's CORS middleware adds to the answer of a request that names no origin.
VARY_ORIGIN = (b"vary", b"Origin")


def _names_an_origin(scope: Scope) -> bool:
    return any(name == b"origin" for name, _ in scope["headers"])


class EveryAnswer:
    """Stamps every answer with its request id and security headers, then logs and counts
    it; answers a HEAD as the GET it asks about; passes a request from another origin
    through Starlette's CORS middleware (``cors`` is its options).

    ``Content-Security-Policy`` is strictest on data, looser on the site's pages (see
    ``PAGE_POLICY``) and on the API docs; HTTPS requests also get
    ``Strict-Transport-Security``. The log line and the metrics are
    ``pressroom.api.observability``'s.

    A request without an ``Origin`` header is not a cross-origin one (a browser sends it
    on every cross-origin request and on every preflight): CORS would only add
    ``Vary: Origin`` to its answer, which the stamp adds instead. Sent through CORS all
    the same, it cost an anonymous read about 4% of its instructions.
    """

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str], cors: dict[str, Any]) -> None:
        self.app = app
        self.cross_origin = CORSMiddleware(app, **cors)
        self.docs_paths = docs_paths
        # Built once: the same few headers go out with every answer.
        self._headers = {
            policy: security_headers(policy) for policy in (STRICT_POLICY, DOCS_POLICY, PAGE_POLICY)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = observability.request_id(scope)
        stamp = [
            *self._headers[policy_for(scope["path"], self.docs_paths, scope.get("raw_path"))],
            (b"x-request-id", request_id.encode()),
        ]
        if scope.get("scheme") == "https":
            stamp.append(STRICT_TRANSPORT_SECURITY)
        app = self.app
        if _names_an_origin(scope):
            app = self.cross_origin
        else:
            stamp.append(VARY_ORIGIN)
        # A HEAD is routed as the GET it asks about, so every GET route takes it and none
        # adds it to its methods (which would put it in the API document). The server
        # sends the headers alone: it reads the method from its own scope, not this copy.
        routed = {**scope, "method": "GET"} if scope["method"] == "HEAD" else scope
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def stamped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *stamp]
            await send(message)

        try:
            await app(routed, receive, stamped)
        finally:
            seconds = time.perf_counter() - started
            observability.record(scope["method"], routed, status, seconds, request_id)


async def _answer(
    send: Send, status: int, field: str, message: str, headers: tuple[Header, ...] = ()
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


_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestLimits:
    """Refuses, in the API's envelope, what no endpoint should have to check, and stops a
    request that runs too long.

    - Control characters in the path or query string: 422. Their values reach SQL as
      bound parameters, but PostgreSQL rejects a NUL character in any text, which would
      otherwise surface as a server error.
    - A body larger than ``max_bytes``: 413. A declared Content-Length over the limit is
      refused before anything is read. A body sent without one is read up to the limit
      first and handed on only if it fits, so an endpoint never sees, let alone stores,
      part of an oversized body.
    - A request still running after ``seconds`` (0: no limit) is cancelled: its
      transaction is rolled back and its connection closed, so a worker is never held
      forever. It answers 503 with ``Retry-After``; a response already under way is cut.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, seconds: float, retry_after: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.retry_after = str(retry_after).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote(scope.get("query_string", b"").decode("latin-1"))
        if has_control_characters(scope["path"]) or has_control_characters(query):
            await _answer(send, 422, "request", "contains control characters")
            return
        receive_body = await self._body_within_limit(scope, receive)
        if receive_body is None:
            await _answer(send, 413, "body", f"is larger than {self.max_bytes} bytes")
            return
        if not self.seconds:
            await self.app(scope, receive_body, send)
            return
        await self._within_time(scope, receive_body, send)

    async def _body_within_limit(self, scope: Scope, receive: Receive) -> Receive | None:
        """Where the app reads the body from, or None when it is over the limit."""
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is None and scope["method"] in _WITHOUT_BODY:
            return receive  # nothing reads such a body
        if declared is not None and declared.isdigit():
            return None if int(declared) > self.max_bytes else receive
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                return None
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        return replay

    async def _within_time(self, scope: Scope, receive: Receive, send: Send) -> None:
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
