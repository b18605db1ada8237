"""Validation shared by every text field the API accepts."""

from __future__ import annotations

import re

from pydantic import AfterValidator

# Control characters other than tab and newlines: PostgreSQL refuses NUL outright, and none
# of them belongs in a title, a name or a comment.
# Beyond this no count or position can be reached (ids are 32-bit integers); larger numbers
# would overflow the databases' integer parameters.
INTEGER_MAX = 2**31 - 1

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(value: str) -> str:
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("contains control characters")
    return value


NoControlCharacters = AfterValidator(_refuse_control_characters)


def has_control_characters(value: str) -> bool:
    return _CONTROL_CHARACTERS.search(value) is not None
