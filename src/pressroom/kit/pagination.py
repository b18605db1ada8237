"""Keyset cursors: an opaque token for "after this (time, id) position" in a newest-first list."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

MAX_CURSOR_LENGTH = 200


class InvalidCursor(ValueError):
    """The cursor was not made by :func:`encode_cursor`."""


@dataclass(frozen=True)
class Position:
    """The sort key of the last item a page showed."""

    at: datetime
    id: int


def encode_cursor(position: Position) -> str:
    raw = json.dumps([position.at.isoformat(), position.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None or not isinstance(item_id, int):
            raise InvalidCursor(cursor)
        return Position(moment, item_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(cursor) from exc
