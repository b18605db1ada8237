"""Keyset cursors: an opaque token for "after this position" in a list sorted newest first
(by a time) or most relevant first (by a search rank), with the id breaking ties."""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import datetime

from pressroom.kit.clock import in_utc

MAX_CURSOR_LENGTH = 200
PAGE_MAX = 100  # the most rows one page of any list holds
# Beyond this no count or position can be reached (ids are 32-bit integers); larger numbers
# would overflow the databases' integer parameters.
INTEGER_MAX = 2**31 - 1
# One encoder for every cursor: ``json.dumps`` with its own separators builds a new one
# on each call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


class InvalidCursor(ValueError):
    """The cursor was not made by :func:`encode_cursor`."""


@dataclass(frozen=True)
class Position:
    """The sort key of the last item a page showed: a time, or a search rank."""

    key: datetime | float
    id: int


def encode_cursor(position: Position) -> str:
    key = position.key.isoformat() if isinstance(position.key, datetime) else position.key
    raw = _COMPACT_JSON.encode([key, position.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _key(raw: object) -> datetime | float:
    if isinstance(raw, str):
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            raise ValueError("a cursor time has a time zone")
        return in_utc(moment)
    # json gives floats back exactly as they were written: ranks compare equal again.
    if isinstance(raw, float | int) and not isinstance(raw, bool) and math.isfinite(raw):
        return float(raw)
    raise ValueError("a cursor key is a time or a rank")


def decode_cursor(cursor: str) -> Position:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw_key, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            raise InvalidCursor(cursor)
        if not 0 <= item_id <= INTEGER_MAX:  # no row has it, and no statement can bind it
            raise InvalidCursor(cursor)
        return Position(_key(raw_key), item_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(cursor) from exc
