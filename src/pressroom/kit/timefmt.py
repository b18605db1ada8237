"""Timestamps on the wire: ISO 8601, UTC, milliseconds, ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_ms(moment: datetime) -> str:
    """``2026-11-24T10:11:12.345Z``: the same string on every read of the same row."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat ends in "+00:00" for UTC; the wire format wants "Z".
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
