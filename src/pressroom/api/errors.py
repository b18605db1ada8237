"""One error shape for the whole API: ``{"errors": {field: [message, ...]}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from pressroom.db.faults import DATABASE_FAILURES, database_unavailable
from pressroom.errors import DomainError

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


# The OpenAPI security of an operation that works with a token or without one.
SIGNED_IN_OR_NOT: dict[str, Any] = {"security": [{}, {"Token": []}]}


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


def validation_errors(exc: RequestValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        field = _field_of(tuple(error.get("loc", ())))
        message = _message(error)
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return errors


def install_error_handlers(app: FastAPI, retry_after: int) -> None:
    """Render domain errors, validation failures and HTTP errors in the API's envelope; a
    database that cannot answer for now is a 503 telling clients to retry after
    ``retry_after`` seconds."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            {"errors": exc.as_dict()}, status_code=exc.status_code, headers=exc.headers()
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"errors": validation_errors(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
            # Bytes that are not even text (FastAPI's 400): the same 422 as malformed JSON.
            return JSONResponse(error_body("body", "is not valid JSON"), status_code=422)
        field = "request" if exc.status_code != 404 else "path"
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        return JSONResponse(
            error_body(field, detail.lower()), status_code=exc.status_code, headers=exc.headers
        )

    def _server_error(request: Request) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("server", "internal error"), status_code=500)

    async def _database_failure(request: Request, exc: Exception) -> JSONResponse:
        if not database_unavailable(exc):
            return _server_error(request)
        # Expected while the database restarts: one line, no traceback; the client retries.
        logger.warning(
            "database unavailable on %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
        )
        return JSONResponse(
            error_body("database", "is unavailable; try again shortly"),
            status_code=503,
            headers={"Retry-After": str(retry_after)},
        )

    # Registered by class, not under Exception: Starlette re-raises what reaches the
    # catch-all handler after answering, and a database restart is no crash.
    for failure in DATABASE_FAILURES:
        app.add_exception_handler(failure, _database_failure)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _server_error(request)
