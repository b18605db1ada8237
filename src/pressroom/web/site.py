"""The site as one piece the app mounts: its pages, its static files, its error pages."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from pressroom.web import accounts, reading, writing
from pressroom.web.routing import error_page, is_page_request
from pressroom.web.templating import STATIC_DIR, CachedStaticFiles

STATIC_PREFIX = "/static"


def install_site(app: FastAPI) -> None:
    for router in (reading.router, writing.router, accounts.router):
        app.include_router(router)
    app.mount(STATIC_PREFIX, CachedStaticFiles(directory=STATIC_DIR), name="static")


def page_errors(
    request: Request, status_code: int, messages: dict[str, list[str]] | None
) -> Response | None:
    """An error as a page for the site's requests; None leaves it to the API."""
    return error_page(request, status_code, messages) if is_page_request(request) else None
