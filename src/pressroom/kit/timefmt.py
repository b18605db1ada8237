"""Timestamps on the wire: ISO 8601, UTC, milliseconds, ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime

# Zero-padded fields, looked up rather than formatted: every article and comment on the
# wire carries two or three timestamps, and ``datetime.isoformat`` formats through C's
# printf, which costs about twice as much as the whole lookup.
_TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))
_THREE_DIGITS = tuple(f"{number:03d}" for number in range(1000))


def iso_ms(moment: datetime) -> str:
    """``2026-11-24T10:11:12.345Z``: the same string on every read of the same row."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    two = _TWO_DIGITS
    return (
        f"{moment.year:04d}-{two[moment.month]}-{two[moment.day]}"
        f"T{two[moment.hour]}:{two[moment.minute]}:{two[moment.second]}"
        f".{_THREE_DIGITS[moment.microsecond // 1000]}Z"
    )
