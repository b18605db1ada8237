"""One error shape for the whole API: ``{"errors": {field: [message, ...]}}``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

from pressroom.db.faults import DATABASE_FAILURES, database_unavailable, missing_reference
from pressroom.errors import DomainError
from pressroom.models import Article, Comment, article_tags, favorites, follows

logger = logging.getLogger("pressroom.api")

BLANK = "can't be blank"
_UNPARSABLE_BODY = "There was an error parsing the body"
# Pydantic error types that mean "nothing usable was given".
_BLANK_TYPES = {"missing", "string_too_short", "none_required"}


class ErrorResponse(BaseModel):
    """Every error: each field in error with its messages."""

    errors: dict[str, list[str]]


_MEANINGS = {
    401: "The token is missing or invalid (also where a token is optional, if one is sent).",
    403: "Signed in, but this belongs to someone else.",
    404: "There is no such thing, or it is not published yet.",
    409: "Taken already, or changed by someone else since it was read.",
    413: "The request body is larger than the limit.",
    422: "A field is missing, malformed or out of range.",
    429: "Too many attempts; see Retry-After.",
    503: "The database cannot answer right now; see Retry-After.",
}
# Any request can meet these: a refused body or query, a database restarting.
ALWAYS = (413, 422, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of an operation that may answer ``statuses``, as well as
    those any operation may answer."""
    return {
        status: {"model": ErrorResponse, "description": _MEANINGS[status]}
        for status in sorted({*statuses, *ALWAYS})
    }


# The OpenAPI security of an operation that works with a token or without one, and of one
# that needs a token, for routes that read the header themselves
# (``pressroom.users.deps.reading``) rather than through a dependency.
SIGNED_IN_OR_NOT: dict[str, Any] = {"security": [{}, {"Token": []}]}
SIGNED_IN: dict[str, Any] = {"security": [{"Token": []}]}


def error_body(field: str, *messages: str) -> dict[str, dict[str, list[str]]]:
    return {"errors": {field: list(messages)}}


def _field_of(loc: tuple[Any, ...]) -> str:
    # loc looks like ("body", "user", "email") or ("query", "limit"); the last name is the field.
    names = [str(part) for part in loc if not isinstance(part, int)]
    if len(names) <= 1:
        return "body"
    return names[-1]


def _message(error: dict[str, Any]) -> str:
    if error["type"] in _BLANK_TYPES:
        return BLANK
    if error["type"].endswith("_type") and error.get("input") is None:
        return BLANK  # null where a value is required
    if error["type"] == "json_invalid":
        return "is not valid JSON"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"] == "string_too_long":
        return f"is too long (maximum is {error['ctx']['max_length']} characters)"
    return str(error["msg"]).lower()


def messages_by_field(failures: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's failures (``.errors()``) as messages per field, as the API words them."""
    errors: dict[str, list[str]] = {}
    for error in failures:
        field = _field_of(tuple(error.get("loc", ())))
        message = _message(dict(error))
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return errors


def validation_errors(exc: RequestValidationError) -> dict[str, list[str]]:
    return messages_by_field(exc.errors())


def _named(column: ColumnElement[Any]) -> str:
    (foreign_key,) = column.foreign_keys
    return str(foreign_key.constraint.name if foreign_key.constraint else "")


# A write refers to rows that were there when the request looked. One deleted while it ran
# leaves its foreign key pointing at nothing; the answer is the one the next request gets.
# The writer's own account: their token names nobody now. What the request named: gone.
# (SQLite, which does not name the key, lets one writer in at a time: no row goes amid
# a write there.)
_SIGNED_OUT = ("token", "is invalid", 401)
_GONE_MEANWHILE: dict[str, tuple[str, str, int]] = {
    _named(Article.__table__.c.author_id): _SIGNED_OUT,
    _named(Comment.__table__.c.author_id): _SIGNED_OUT,
    _named(favorites.c.user_id): _SIGNED_OUT,
    _named(follows.c.follower_id): _SIGNED_OUT,
    _named(Comment.__table__.c.article_id): ("article", "not found", 404),
    _named(favorites.c.article_id): ("article", "not found", 404),
    _named(article_tags.c.article_id): ("article", "not found", 404),
    _named(follows.c.followee_id): ("profile", "not found", 404),
}


# The methods the app's routes take, in the order an Allow header lists them. HEAD is
# taken wherever GET is (``pressroom.api.middleware.EveryAnswer``).
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> str | None:
    """The Allow header of a 405: every method some route takes at the request's path, not
    only those of the first route there. Asked of the routes themselves, one method at a
    time, as the router would route it; worked out for a 405 alone."""
    routes = [route for route in routes if not isinstance(route, Mount)]  # takes any method
    # A fresh scope for each question: the routes leave their marks on the one they match.
    request = {key: scope[key] for key in ("type", "path", "raw_path", "root_path") if key in scope}
    taken: list[str] = []
    for method in _METHODS:
        probe = {**request, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in routes):
            taken += ["GET", "HEAD"] if method == "GET" else [method]
    return ", ".join(taken) or None


# Renders an error as a page when the request came from one (see ``pressroom.web``), or
# answers None to leave it to the API's envelope.
PageErrors = Callable[[Request, int, "dict[str, list[str]] | None"], "Response | None"]


def _no_pages(request: Request, status: int, messages: dict[str, list[str]] | None) -> None:
    return None


def install_error_handlers(
    app: FastAPI, retry_after: int, page_errors: PageErrors = _no_pages
) -> None:
    """Render domain errors, validation failures and HTTP errors in the API's envelope (or
    as a page, for the site's requests); a database that cannot answer for now is a 503
    telling clients to retry after ``retry_after`` seconds."""

    def answer(
        request: Request,
        body: dict[str, dict[str, list[str]]],
        status_code: int,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        page = page_errors(request, status_code, body["errors"])
        response = page if page is not None else JSONResponse(body, status_code=status_code)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return answer(request, {"errors": exc.as_dict()}, exc.status_code, exc.headers())

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, {"errors": validation_errors(exc)}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
            # Bytes that are not even text (FastAPI's 400): the same 422 as malformed JSON.
            return answer(request, error_body("body", "is not valid JSON"), 422)
        field = "request" if exc.status_code != 404 else "path"
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        headers = exc.headers
        if exc.status_code == 405:
            allow = allowed_methods(request.app.router.routes, request.scope)
            headers = {**(headers or {}), "Allow": allow} if allow else headers
        return answer(request, error_body(field, detail.lower()), exc.status_code, headers)

    def _server_error(request: Request) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return answer(request, error_body("server", "internal error"), 500)

    async def _database_failure(request: Request, exc: Exception) -> Response:
        if not database_unavailable(exc):
            return _server_error(request)
        # Expected while the database restarts: one line, no traceback; the client retries.
        logger.warning(
            "database unavailable on %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
        )
        return answer(
            request,
            error_body("database", "is unavailable; try again shortly"),
            503,
            {"Retry-After": str(retry_after)},
        )

    # Registered by class, not under Exception: Starlette re-raises what reaches the
    # catch-all handler after answering, and a database restart is no crash.
    for failure in DATABASE_FAILURES:
        app.add_exception_handler(failure, _database_failure)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        gone = _GONE_MEANWHILE.get(missing_reference(exc) or "")
        if gone is None:
            return _server_error(request)
        field, message, status = gone
        return answer(request, error_body(field, message), status)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return _server_error(request)
