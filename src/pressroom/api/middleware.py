"""ASGI middleware for what no single endpoint should have to check."""

from __future__ import annotations

import json
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from pressroom.api.fields import has_control_characters


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
