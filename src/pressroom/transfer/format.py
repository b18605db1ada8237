"""The transfer format: JSON Lines, a header first, then one record a line, natural keys only.

Records name each other by username, tag name and article slug, never by database id, so
a file moves between databases of any kind. Timestamps are ISO 8601 UTC with microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from pressroom.api.errors import BLANK
from pressroom.api.fields import NoControlCharacters
from pressroom.articles import schemas as articles
from pressroom.comments.schemas import CommentBody
from pressroom.kit.clock import in_utc
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.kit.slugs import RESERVED as RESERVED_SLUGS
from pressroom.models.articles import SLUG_MAX
from pressroom.models.users import normalize_email
from pressroom.users import schemas as users

FORMAT_NAME = "pressroom-export"
FORMAT_VERSION = 1
# Stored for users imported without a password hash: no password ever verifies against it.
UNUSABLE_PASSWORD = "!"  # noqa: S105 (a marker, not a secret)
PASSWORD_HASH_MAX = 255


def iso_utc(moment: datetime) -> str:
    """``2026-11-24T10:11:12.345678Z``: always six fractional digits, so output is stable."""
    # isoformat, not strftime: %Y leaves years before 1000 unpadded, which no ISO reader takes.
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _utc(moment: datetime) -> datetime:
    try:
        return in_utc(moment)
    except ValueError:
        # 9999-12-31T23:00:00-05:00 is a valid ISO date whose UTC time is past year 9999;
        # a "datetime" error type, so the line reads as a bad date.
        raise PydanticCustomError(
            "datetime_out_of_range", "Outside years 1 to 9999 once its offset is applied"
        ) from None


def _as_spelled(value: Any) -> Any:
    """A name that records point at is copied exactly or refused, never quietly changed:
    the API would trim it and compose it, and then it would no longer be the file's name."""
    if not isinstance(value, str):
        return value
    # MySQL compares keys ignoring trailing spaces: "ann" and "ann " would collide there only.
    if value != value.strip():
        raise ValueError("has leading or trailing spaces")
    composed = unicodedata.normalize("NFC", value)
    if value != composed:
        raise ValueError(
            f"is not in composed form (Unicode NFC), as the API stores names: write {composed!r}"
        )
    return value


AsSpelled = BeforeValidator(_as_spelled)


# Of each kind: enough for any publication's authors and tags, and memory stays flat over a
# file of a million distinct names all the same.
_NAMES_REMEMBERED = 100_000


class _Remembered:
    """Names found good once are good again: a file names the same few authors and tags on
    thousands of lines, and the API's checks look at each character's script. A name kept
    is one that validates to itself, so returning it as it came is what validation gives."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.good: set[str] = set()

    def __call__(self, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, str) and value in self.good:
            return value
        name = handler(value)
        if name == value and len(self.good) < self.limit:
            self.good.add(name)
        return name


def _empty_allowed(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # An article imported without a description has an empty one, and exports it so.
    return value if value == "" else handler(value)


def _slug_shape(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError("is not a valid slug (no spaces, slashes, '?' or '#')")
    if value in RESERVED_SLUGS:
        raise ValueError(f"is reserved: /api/articles/{value} is not an article's path")
    return value


_SLUG = re.compile(r"[^\s/?#]+")


def _key(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length)


# What the API takes is what a file may hold, checked by the API's own types: a line the
# API would refuse could store a name whose page no one can reach, or a blank title.
Timestamp = Annotated[AwareDatetime, AfterValidator(_utc)]
Username = Annotated[users.Username, AsSpelled, WrapValidator(_Remembered(_NAMES_REMEMBERED))]
TagName = Annotated[articles.TagName, AsSpelled, WrapValidator(_Remembered(_NAMES_REMEMBERED))]
Slug = Annotated[str, _key(SLUG_MAX), NoControlCharacters, AfterValidator(_slug_shape)]
Email = Annotated[users.Email, AfterValidator(normalize_email)]
Bio = users.Bio
Image = users.Image
PasswordHash = Annotated[str, _key(PASSWORD_HASH_MAX), NoControlCharacters]
TokenGeneration = Annotated[int, Field(ge=0, le=INTEGER_MAX, strict=True)]
Title = articles.Title
Description = Annotated[articles.Description, WrapValidator(_empty_allowed)]
Body = articles.Body


# As the API counts them: a tag named twice is one tag.
TagList = Annotated[list[TagName], AfterValidator(articles.distinct_tags)]


class _Record(BaseModel):
    # Unknown fields are ignored, as the API does: newer files stay readable.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Header(_Record):
    type: Literal["pressroom-export"]
    version: int
    secrets: bool = False


class UserRecord(_Record):
    type: Literal["user"]
    username: Username
    email: Email
    bio: Bio | None = None
    image: Image | None = None
    createdAt: Timestamp | None = None
    updatedAt: Timestamp | None = None
    passwordHash: PasswordHash | None = None
    # How often the user signed out everywhere: their tokens of earlier generations stay
    # void in the database the file is imported into.
    tokenGeneration: TokenGeneration = 0


class TagRecord(_Record):
    type: Literal["tag"]
    name: TagName


class ArticleRecord(_Record):
    """A full article record, or the minimal form: no ``type``, just title, body and author."""

    type: Literal["article"] = "article"
    slug: Slug | None = None
    title: Title
    description: Description = ""
    body: Body
    author: Username
    tagList: TagList = []
    # Absent: published when imported. null: a draft. A future time: scheduled.
    publishedAt: Timestamp | None = None
    createdAt: Timestamp | None = None
    updatedAt: Timestamp | None = None

    @property
    def publishes_now(self) -> bool:
        """The minimal form without ``publishedAt`` publishes at import, like the API's create."""
        return "publishedAt" not in self.model_fields_set


class CommentRecord(_Record):
    type: Literal["comment"]
    article: Slug
    author: Username
    body: CommentBody
    # Part of a comment's identity: (article, author, createdAt) finds it again on re-import.
    createdAt: Timestamp
    updatedAt: Timestamp | None = None


class FollowRecord(_Record):
    type: Literal["follow"]
    follower: Username
    followee: Username
    createdAt: Timestamp | None = None


class FavoriteRecord(_Record):
    type: Literal["favorite"]
    user: Username
    article: Slug
    createdAt: Timestamp | None = None


DataRecord = UserRecord | TagRecord | ArticleRecord | CommentRecord | FollowRecord | FavoriteRecord
RECORD_TYPES = ("user", "tag", "article", "comment", "follow", "favorite")


def _record_type(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("type", "article")
    return getattr(value, "type", None)


_Line = Annotated[
    Annotated[Header, Tag(FORMAT_NAME)]
    | Annotated[UserRecord, Tag("user")]
    | Annotated[TagRecord, Tag("tag")]
    | Annotated[ArticleRecord, Tag("article")]
    | Annotated[CommentRecord, Tag("comment")]
    | Annotated[FollowRecord, Tag("follow")]
    | Annotated[FavoriteRecord, Tag("favorite")],
    Discriminator(_record_type, custom_error_type="unknown_type", custom_error_message="unknown"),
]
_LINE = TypeAdapter[Header | DataRecord](_Line)


class BadLine(ValueError):
    """A line that cannot be imported; ``reason`` says why, for the operator, and ``column``
    where in the line, when one place is to blame."""

    def __init__(
        self, reason: str, record_type: str | None = None, column: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.record_type = record_type
        self.column = column


def parse_line(raw: bytes) -> Header | DataRecord:
    """One line of the file as a record, or :class:`BadLine` with a readable reason."""
    try:
        return _LINE.validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            raise _invalid_json(str((errors[0].get("ctx") or {}).get("error", "")), raw) from None
        record_type = _type_of(errors[0]) if errors else None
        reason = "; ".join(_describe(error) for error in errors[:3])
        if len(errors) > 3:
            reason += f"; and {len(errors) - 3} more"
        raise BadLine(reason, record_type) from None


# The parser places its error by the lines and bytes of what it was given: the one line.
_JSON_POSITION = re.compile(r"(?P<what>.+) at line (?P<line>\d+) column (?P<column>\d+)")


def _invalid_json(message: str, raw: bytes) -> BadLine:
    """The parser's complaint, and the column (in characters) where it arose. A line that
    ends too soon gets none: its end is the place, and the parser counts it on the next line."""
    position = _JSON_POSITION.fullmatch(message)
    if position is None:
        return BadLine(f"invalid JSON ({message or 'unreadable'})")
    what = position["what"]
    if position["line"] != "1" or what.startswith("EOF"):
        return BadLine(f"invalid JSON ({what})")
    before = raw[: int(position["column"]) - 1].decode("utf-8", errors="replace")
    return BadLine(f"invalid JSON ({what})", column=len(before) + 1)


def _type_of(error: ErrorDetails) -> str | None:
    kind = error["loc"][0] if error["loc"] else None
    return kind if isinstance(kind, str) and kind in RECORD_TYPES else None


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    # The first location item is the union tag; the rest is the field path.
    field = ".".join(str(part) for part in error["loc"][1:])
    context = error.get("ctx") or {}
    if kind == "unknown_type":
        value = error["input"]
        if not isinstance(value, dict):
            return "not a JSON object"
        return f"unknown type {value.get('type')!r}"
    if kind == "missing":
        return f"missing field {field!r}"
    if kind == "string_too_long":
        return f"{field!r} too long (at most {context['max_length']:,} characters)"
    if kind == "string_too_short":
        return f"{field!r}: {BLANK}"
    if kind == "too_long":
        return f"{field!r} has too many items (at most {context['max_length']})"
    if kind.startswith(("datetime", "timezone")):
        return f"bad date in {field!r}: {error['msg'].lower()} (ISO 8601 with a time zone)"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field!r}: {message}"
