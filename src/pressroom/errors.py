"""Domain errors. Each carries the HTTP status it maps to; no web framework is imported here."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: ``field`` and ``messages`` fill the API's ``{"errors": {field: [...]}}``."""

    status_code = 400

    def __init__(self, field: str, *messages: str) -> None:
        self.field = field
        self.messages = list(messages)
        # Further fields in error, when one request breaks several rules.
        self.extra: dict[str, list[str]] = {}
        super().__init__(f"{field}: {', '.join(messages)}")

    @classmethod
    def on_fields(cls, fields: list[str], message: str) -> DomainError:
        """One error naming several fields with the same message."""
        error = cls(fields[0], message)
        error.extra = {field: [message] for field in fields[1:]}
        return error

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field: self.messages, **self.extra}

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body."""
        return {}


class Invalid(DomainError):
    status_code = 422


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self, field: str, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(field, message)
        self.retry_after_seconds = retry_after_seconds

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}
