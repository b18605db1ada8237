"""Jinja2 templates, their filters, and static assets under content-hashed URLs."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from pressroom.api.addresses import site_address
from pressroom.kit.paths import tag_path
from pressroom.web import sessions

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
SITE_NAME = "pressroom"


def _fingerprints() -> dict[str, str]:
    """A short digest of each static file: its URL changes whenever its content does, so
    browsers may keep it for a year."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in STATIC_DIR.iterdir()
        if path.is_file()
    }


_FINGERPRINTS = _fingerprints()


def static_url(name: str) -> str:
    return f"/static/{name}?v={_FINGERPRINTS[name]}"


class CachedStaticFiles(StaticFiles):
    """Static files with long-lived cache headers (their URLs carry a content digest)."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _parse(moment: str | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def long_date(moment: str | datetime | None) -> str:
    """``25 November 2026``."""
    return "" if moment is None else f"{_parse(moment):%-d %B %Y}"


def date_time(moment: str | datetime | None) -> str:
    """``25 Nov 2026, 14:05 UTC``."""
    return "" if moment is None else f"{_parse(moment):%-d %b %Y, %H:%M} UTC"


def initials(name: str) -> str:
    """What a letter avatar shows: no picture is fetched from another site."""
    return name[:1].upper() or "?"


templates = Jinja2Templates(directory=HERE / "templates")
# tag_path, not urlencode, for a tag's address: urlencode leaves a slash of the name as it
# is, and /tags/c/feed.xml is the feed of the tag c, not the page of the tag c/feed.xml.
templates.env.globals.update(static_url=static_url, site_name=SITE_NAME, tag_path=tag_path)
templates.env.filters.update(long_date=long_date, date_time=date_time, initials=initials)
# Whitespace between tags is noise in every page sent.
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A page; the browser gets its anti-forgery cookie with the first one it sees."""
    viewer = getattr(request.state, "viewer", None)
    values = {
        "viewer": viewer,
        "csrf_token": sessions.form_token(request),
        "site": site_address(request),  # for canonical links: https://example.org
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    sessions.keep_form_cookie(request, response)
    # Pages differ per visitor (the signed-in header, the form tokens): never shared caches.
    # A signed-in reader's pages (their drafts, their e-mail) are not even kept by their
    # browser, so none is left on a shared computer to be read after signing out.
    response.headers["Cache-Control"] = "private, no-store" if viewer else "private, no-cache"
    return response
