"""Portable column types: the same values come back from SQLite, PostgreSQL and MySQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from pressroom.db.dialects import MYSQL_NAMES, mysql_datetime
from pressroom.kit.clock import utc_now


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime with microseconds.

    PostgreSQL stores ``timestamptz``; SQLite and MySQL keep no time zone, so the value is
    stored as naive UTC and the zone is restored on the way out. Naive input is refused:
    it is always a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in MYSQL_NAMES:
            return dialect.type_descriptor(mysql_datetime())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "postgresql":
            return value
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        tzinfo = value.tzinfo
        if tzinfo is UTC:  # PostgreSQL's, read in a UTC session: every row, so first
            return value
        if tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def same_as_created_at(context: Any) -> datetime:
    """Default for ``updated_at``: exactly ``created_at`` on insert, not a second clock read.

    Defaults run in column order, so ``created_at`` (declared first) is already filled in.
    """
    created_at: datetime | None = context.get_current_parameters().get("created_at")
    return created_at if created_at is not None else utc_now()
