"""What makes a route a page: forms checked for forgery, errors answered as pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from pressroom.db.deps import READ_METHODS
from pressroom.web import sessions
from pressroom.web.forms import local_path
from pressroom.web.templating import render

PAGE_SCOPE_KEY = "pressroom.page"

_TITLES = {
    400: "That request was not understood",
    403: "You can't do that",
    404: "Page not found",
    405: "That request was not understood",
    422: "That request was not understood",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "We'll be right back",
}
_EXPLANATIONS = {
    403: "This belongs to someone else, or the form had expired.",
    404: "There is nothing here, or it has not been published yet.",
    500: "The error has been logged. Please try again in a moment.",
    503: "The database is not answering right now. Please try again in a few seconds.",
}


class PastTheLastPage(Exception):
    """A list's page number past its last page."""

    def __init__(self, last: int) -> None:
        super().__init__(last)
        self.last = last


class PageRoute(APIRoute):
    """A route answering HTML. Every form it receives must carry the anti-forgery token,
    checked here so that no page can forget it; any error it raises becomes a page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            request.scope[PAGE_SCOPE_KEY] = True
            if request.method not in READ_METHODS:
                await sessions.check_form(request)
            try:
                return await handle(request)
            except sessions.SignInRequired:
                return RedirectResponse(f"/login?next={quote(_back_after_sign_in(request))}", 303)
            except PastTheLastPage as past:
                return RedirectResponse(_on_page(request, past.last), 303)

        return handle_page


def _back_after_sign_in(request: Request) -> str:
    """The page to return to: the one asked for, or, after a post (which cannot be
    repeated by a redirect), the page the form was on."""
    if request.method in READ_METHODS:
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return "/"
    return local_path(referer.path + (f"?{referer.query}" if referer.query else ""))


def _on_page(request: Request, page: int) -> str:
    """The same list, on another page."""
    # The path as it was sent, where a "/" in a tag's name is still %2F (the decoded one
    # would lead to another tag's feed), not request.url's, which a "?" in a name would cut.
    raw_path: bytes | None = request.scope.get("raw_path")
    if raw_path is not None:
        path = raw_path.decode("latin-1")
    else:
        path = quote(request.scope.get("root_path", "") + request.scope["path"], safe="/@")
    query = [(name, value) for name, value in request.query_params.multi_items() if name != "page"]
    return f"{path}?{urlencode([*query, ('page', str(page))])}"


def is_page_request(request: Request) -> bool:
    """A page's request (or one with a method the page does not take, as a GET of the
    sign-out form's address), or one for no route at all from a browser."""
    if request.scope.get(PAGE_SCOPE_KEY) or isinstance(request.scope.get("route"), PageRoute):
        return True
    return (
        "route" not in request.scope
        and not request.url.path.startswith("/api/")
        and "text/html" in request.headers.get("accept", "")
    )


def error_page(
    request: Request, status_code: int, messages: dict[str, list[str]] | None = None
) -> Response:
    """The friendly page for an error status."""
    detail = _EXPLANATIONS.get(status_code)
    # A refusal that says more than "forbidden" (an expired form, a throttled sign-in) is
    # worth reading; the rest is said better by the explanation.
    said = {field: text for field, text in (messages or {}).items() if text != ["forbidden"]}
    if status_code in (403, 429) and said:
        detail = "; ".join(f"{field} {' '.join(text)}" for field, text in said.items())
    return render(
        request,
        "error.html",
        {
            "status_code": status_code,
            "title": _TITLES.get(status_code, "Something went wrong"),
            "detail": detail,
        },
        status_code=status_code,
    )
