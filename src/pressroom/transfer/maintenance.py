"""Operator maintenance on drafts: publish or purge many at once, each in one set-based statement.

Only the ``articles`` table is written. Purged drafts take their comments, favorites and tag
links with them through the database's ON DELETE CASCADE; nothing is loaded into the ORM.
Conditions on other tables use ``IN`` over ``article_tags``, never a subquery on
``articles`` itself, which MySQL/MariaDB refuse in an UPDATE or DELETE of that table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Delete, Select, Update, delete, func, select, update
from sqlalchemy.orm import Session

from pressroom.articles import counters
from pressroom.kit.clock import in_utc, utc_now
from pressroom.models import Article, Tag, User, article_tags

_AGE = re.compile(r"(\d+)\s*([hdw])")
_AGE_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class UnknownName(LookupError):
    """An author or tag named on the command line does not exist."""


def parse_age(text: str) -> timedelta:
    """``90d``, ``12h`` or ``2w`` as a duration; anything else is a ValueError saying why."""
    match = _AGE.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not an age: write a number and h, d or w (90d, 12h, 2w)")
    count, unit = int(match.group(1)), match.group(2)
    if count == 0:
        raise ValueError(f"{text!r} is not an age: it must be more than zero")
    try:
        return count * _AGE_UNITS[unit]
    except OverflowError:
        raise _too_long_an_age(text) from None


def parse_cutoff(text: str, now: datetime | None = None) -> datetime:
    """The moment an age (``90d``, see :func:`parse_age`) before now; a ValueError when that
    moment would fall before year 1."""
    age = parse_age(text)
    try:
        return (now or utc_now()) - age
    except OverflowError:
        raise _too_long_an_age(text) from None


def _too_long_an_age(text: str) -> ValueError:
    return ValueError(f"{text!r} is too long an age: it reaches back before year 1")


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; without a time zone it is read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: write 2025-01-31 or 2025-01-31T08:00:00+01:00"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return in_utc(moment)
    except ValueError:
        raise ValueError(
            f"{text!r} is out of range: in UTC it is before year 1 or after 9999"
        ) from None


@dataclass(frozen=True)
class DraftFilter:
    """Which drafts an operation touches; every field left ``None`` matches all."""

    author_id: int | None = None
    tag_id: int | None = None
    created_before: datetime | None = None
    updated_before: datetime | None = None

    def conditions(self, *, published_at: datetime | None = None) -> list[ColumnElement[bool]]:
        """Drafts matching the filter; or, with ``published_at``, the articles matching it
        that were published at that instant (the drafts just published)."""
        state = (
            Article.published_at.is_(None)
            if published_at is None
            else Article.published_at == published_at
        )
        conditions: list[ColumnElement[bool]] = [state]
        if self.author_id is not None:
            conditions.append(Article.author_id == self.author_id)
        if self.tag_id is not None:
            tagged = select(article_tags.c.article_id).where(article_tags.c.tag_id == self.tag_id)
            conditions.append(Article.id.in_(tagged))
        if self.created_before is not None:
            conditions.append(Article.created_at < self.created_before)
        if self.updated_before is not None:
            conditions.append(Article.updated_at < self.updated_before)
        return conditions


def author_id_by_username(session: Session, username: str) -> int:
    """The id of the user called ``username``, or UnknownName."""
    found = session.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise UnknownName(f"no author is called {username!r}")
    return found


def tag_id_by_name(session: Session, name: str) -> int:
    """The id of the tag called ``name``, or UnknownName."""
    found = session.scalar(select(Tag.id).where(Tag.name == name))
    if found is None:
        raise UnknownName(f"no tag is called {name!r}")
    return found


def count_drafts_statement(drafts: DraftFilter) -> Select[int]:
    return select(func.count()).select_from(Article).where(*drafts.conditions())


def publish_drafts_statement(drafts: DraftFilter, now: datetime) -> Update:
    """Publish every matching draft at ``now``; the version bump sends stale editors a 409."""
    return (
        update(Article)
        .where(*drafts.conditions())
        .values(published_at=now, updated_at=now, version=Article.version + 1)
        .execution_options(synchronize_session=False)
    )


def purge_drafts_statement(drafts: DraftFilter) -> Delete:
    """Delete every matching draft; the database cascades to its comments, favorites and tags."""
    return delete(Article).where(*drafts.conditions()).execution_options(synchronize_session=False)


def count_drafts(session: Session, drafts: DraftFilter) -> int:
    """How many drafts match, without changing anything."""
    return session.scalar(count_drafts_statement(drafts)) or 0


def publish_drafts(session: Session, drafts: DraftFilter, now: datetime | None = None) -> int:
    """Publish the matching drafts in one UPDATE; returns how many were published.

    The released counts then grow by what was published, found by its publication time:
    this transaction holds those rows' locks, so no writer can change them in between.
    """
    now = now or utc_now()
    result = session.execute(publish_drafts_statement(drafts, now))
    published = select(Article.id).where(*drafts.conditions(published_at=now))
    counters.count_as_released(session, published)
    # Their tag links carry the publication time too (an article published in this very
    # microsecond by someone else has the same time: its links are right either way).
    session.execute(
        update(article_tags)
        .where(article_tags.c.article_id.in_(select(Article.id).where(Article.published_at == now)))
        .values(published_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_drafts(session: Session, drafts: DraftFilter) -> int:
    """Delete the matching drafts in one DELETE; returns how many were deleted."""
    result = session.execute(purge_drafts_statement(drafts))
    return int(result.rowcount)  # type: ignore[attr-defined]
