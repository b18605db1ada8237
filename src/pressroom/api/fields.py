"""Validation shared by every text field the API accepts."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from fastapi import Path
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from pressroom.api.errors import BLANK
from pressroom.kit.clock import in_utc
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.kit.scripts import joiner_is_spelling

# Control characters other than tab and newlines: PostgreSQL refuses NUL outright, and none
# of them belongs in a title, a name or a comment.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# The same rule for the OpenAPI document, so clients (and fuzzers) know it.
_ALLOWED_CHARACTERS = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _refuse_control_characters(value: str) -> str:
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("contains control characters")
    return value


# Characters that show nothing: zero-width spaces and joiners, the soft hyphen, the byte
# order mark, direction marks and overrides, variation selectors, and the letters drawn
# blank (the Hangul fillers, the empty braille pattern). Text made of them and white space
# is blank to a reader. Written for Python's and JSON Schema's regular expressions alike.
_INVISIBLE = (
    r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0"
)
_BLANK = re.compile(rf"[\s{_INVISIBLE}]*")
_INVISIBLE_CHARACTER = re.compile(f"[{_INVISIBLE}]")


def _refuse_blank(value: str) -> str:
    if _BLANK.fullmatch(value):
        raise ValueError(BLANK)
    return _refuse_control_characters(value)


class _NoControlCharacters:
    """Refuses control characters ("contains control characters"), and says so in the
    field's JSON Schema as a pattern. ``visible``: the field must hold a character that is
    not white space ("can't be blank"), and the pattern asks for one too."""

    def __init__(self, *, visible: bool) -> None:
        self.visible = visible

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        check = _refuse_blank if self.visible else _refuse_control_characters
        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        visible = rf"(?=[\s\S]*[^\s{_INVISIBLE}])" if self.visible else ""
        json_schema["pattern"] = f"^{visible}{_ALLOWED_CHARACTERS}*$"
        return json_schema


NoControlCharacters = _NoControlCharacters(visible=False)
# The same, for the OpenAPI document of path and query parameters (which the middleware
# checks before any endpoint runs).
TEXT_PARAMETER: JsonDict = {"pattern": f"^{_ALLOWED_CHARACTERS}*$"}
TextInPath = Annotated[str, Path(json_schema_extra=TEXT_PARAMETER)]
# A row's id in a path: larger numbers would overflow the databases' integer parameters.
IdInPath = Annotated[int, Path(ge=1, le=INTEGER_MAX)]
# For required text: white space alone is blank (stripped or not, as the field chooses).
VisibleText = _NoControlCharacters(visible=True)


def _not_only_dots(name: str) -> str:
    if not name.strip("."):
        raise ValueError("cannot be only dots")
    return name


# For names that are a path segment (/@{username}, /tags/{tag}): a browser reads "." and
# ".." there as the folder itself and the one above, as in any path.
NotOnlyDots = AfterValidator(_not_only_dots)


def _readable_name(name: str) -> str:
    for index, character in enumerate(name):
        if character.isspace() and character != " ":
            raise ValueError("contains white space other than spaces")
        hidden = unicodedata.category(character) in ("Cc", "Cf")
        if (hidden or _INVISIBLE_CHARACTER.match(character)) and not joiner_is_spelling(
            name, index
        ):
            raise ValueError("contains control or invisible characters")
    return name


# For names shown wherever what they name is (a username, a tag): each must read as what
# it is, and no hidden character may make a twin of another's name.
ReadableName = AfterValidator(_readable_name)


def _composed(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


# For names that identify something (a username, a tag): "é" typed as one character or as
# "e" and a combining accent reads the same, so it is one name, stored composed (NFC), and
# nobody can take a twin of another's name. Before the other checks, lengths included.
OneSpelling = BeforeValidator(_composed)


# A time with its zone, kept as the same moment in UTC, as the databases store it. Only
# here can a time that UTC puts outside the years 1 to 9999 be refused as input.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_utc)]


def has_control_characters(value: str) -> bool:
    return _CONTROL_CHARACTERS.search(value) is not None
