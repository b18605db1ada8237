"""The one clock: aware UTC datetimes everywhere."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, time-zone aware, in UTC."""
    return datetime.now(UTC)


def in_utc(moment: datetime) -> datetime:
    """The same moment in UTC. ValueError when that falls outside the years 1 to 9999: a
    time at either end of them, given in a zone far from UTC."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None
