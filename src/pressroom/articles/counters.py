"""The maintained counts: favorites per article, and released articles per tag and site-wide.

A list's ``articlesCount`` and each article's ``favoritesCount`` are read on every request;
counting rows for them would be a scan that grows with the site. So every write that
changes what they count changes them too, in the same transaction:

- Favorites: the article's row is locked once found, which queues every (un)favorite of
  one article, then the favorite is added or removed and ``favorites_count`` moves by one
  only if it was.
- Released articles (published or scheduled): a create, update, publish, unpublish or
  delete moves ``site_totals`` and its tags' counts by the difference. Readers subtract the
  articles still scheduled, added up by the hour (the site's and each tag's), so totals
  stay exact as schedules come due with no write.

Lock order, the same in every transaction: articles (by primary key, in id order), then
users, then ``site_totals``, then the scheduled hours by hour, then tags by id, then the
tags' scheduled hours by (tag, hour), and counters before the link rows that point at
them. MariaDB's foreign-key check takes a shared lock on the row a new link points at;
two transactions holding that lock and both asking to update the row would deadlock. (A
reschedule takes that shared lock on its tags through their new hours, and asks for no
other lock on them.)

Bulk work (import, bulk publish, deleting an account) moves them set-based
(:func:`count_inserted`, :func:`count_as_released`, :func:`withdraw`), or recounts them
from the rows (``pressroom.articles.recounting``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Executable,
    Integer,
    Select,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pressroom.db.base import Base
from pressroom.db.dialects import insert_or_add
from pressroom.models import (
    Article,
    ScheduledHour,
    SiteTotals,
    Tag,
    TagScheduledHour,
    article_tags,
    favorites,
)
from pressroom.models.articles import now_parameter
from pressroom.models.site import first_hour_ahead, first_hour_ahead_parameter, hour_of
from pressroom.tags.repository import visible_articles as tag_visible_articles

TAGS = Base.metadata.tables[Tag.__tablename__]
ARTICLES = Base.metadata.tables[Article.__tablename__]
HOURS = Base.metadata.tables[ScheduledHour.__tablename__]
TAG_HOURS = Base.metadata.tables[TagScheduledHour.__tablename__]


# --- reading: visible totals from the counters ---------------------------------------------


def visible_articles() -> Select[Any]:
    """How many articles readers see now: the released count less those still scheduled.

    The scheduled ones are added up by the hour (see ``ScheduledHour``), and counted one
    by one only within the current hour: a handful of rows however many are scheduled.
    """
    next_hour = first_hour_ahead_parameter()
    released = select(SiteTotals.released_articles).scalar_subquery()
    later_hours = (
        # MariaDB sums integers into a DECIMAL: back to an integer, for an integer total.
        select(func.coalesce(cast(func.sum(ScheduledHour.articles), Integer), 0))
        .where(ScheduledHour.hour >= next_hour)
        .scalar_subquery()
    )
    this_hour = (
        select(func.count())
        .select_from(Article)
        .where(Article.scheduled_now(), Article.published_at < next_hour)
        .scalar_subquery()
    )
    return select(released - later_hours - this_hour)


def visible_articles_tagged() -> Select[Any]:
    """Like :func:`visible_articles`, for the tag named by the ``tag`` parameter: whole
    hours from its own scheduled hours (see ``TagScheduledHour``), and within the current
    hour a range of the tag-timeline index."""
    visible = tag_visible_articles(now_parameter(), first_hour_ahead_parameter())
    return select(visible).where(Tag.name == bindparam("tag"))


# --- writing: favorites ----------------------------------------------------------------------


# A count is not an edit: without this, the column's onupdate would move ``updatedAt``.
KEEP_UPDATED_AT = {"updated_at": Article.updated_at}


# Favoriting is the most frequent write: its statements are built once, with parameters.
_ARTICLE_ID = bindparam("article_id", type_=Integer)
_USER_ID = bindparam("user_id", type_=Integer)
_THE_FAVORITE = (favorites.c.user_id == _USER_ID, favorites.c.article_id == _ARTICLE_ID)
# Added only if absent, in one statement whose row count says which. It reads what was
# committed when it began (READ COMMITTED, on MariaDB too), so it cannot miss a favorite
# committed while this transaction waited for the article's lock.
_FAVORITE_IF_ABSENT = insert(favorites).from_select(
    [favorites.c.user_id, favorites.c.article_id],
    select(_USER_ID, _ARTICLE_ID).where(~exists().where(*_THE_FAVORITE)),
)
_UNFAVORITE = delete(favorites).where(*_THE_FAVORITE)
_FAVORITES_MOVED = (
    update(Article)
    .where(Article.id == _ARTICLE_ID)
    .values(
        favorites_count=Article.favorites_count + bindparam("by", type_=Integer), **KEEP_UPDATED_AT
    )
    .execution_options(synchronize_session=False)
)


async def add_favorite(session: AsyncSession, user_id: int, article_id: int) -> bool:
    """Favorite the article; False if it already was. Idempotent under any concurrency, on
    an article whose row this transaction has locked (``get_reference(..., lock=True)``)."""
    the_favorite = {"user_id": user_id, "article_id": article_id}
    added = await session.execute(_FAVORITE_IF_ABSENT, the_favorite)
    if not added.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(_FAVORITES_MOVED, {"article_id": article_id, "by": +1})
    return True


async def remove_favorite(session: AsyncSession, user_id: int, article_id: int) -> bool:
    """Unfavorite the article; False if it was not favorited. On a locked article, as
    :func:`add_favorite`."""
    removed = await session.execute(_UNFAVORITE, {"user_id": user_id, "article_id": article_id})
    if not removed.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(_FAVORITES_MOVED, {"article_id": article_id, "by": -1})
    return True


# --- writing: released articles ------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """What an article adds to the released counts: nothing while a draft, else 1 to the
    site and to each of its tags, and to its hour and its tags' hours while that hour is
    still ahead."""

    published_at: datetime | None
    tag_ids: frozenset[int] = frozenset()

    @property
    def released(self) -> bool:
        return self.published_at is not None

    @classmethod
    def of(cls, published_at: datetime | None, tag_ids: Iterable[int]) -> Release:
        return cls(published_at, frozenset(tag_ids))


NOTHING = Release(published_at=None)

_site_moved = update(SiteTotals).values(
    released_articles=SiteTotals.released_articles + bindparam("by", type_=Integer)
)
_tag_moved = (
    update(TAGS)
    .where(TAGS.c.id == bindparam("tag_id", type_=Integer))
    .values(released_articles=TAGS.c.released_articles + bindparam("by", type_=Integer))
)


@dataclass
class Moves:
    """How the counters move: the site's total, and by tag id, by hour and by (tag id,
    hour) for the hours still ahead; zero moves are left out."""

    site: int = 0
    hours: Counter[datetime] = field(default_factory=Counter)
    tags: Counter[int] = field(default_factory=Counter)
    tag_hours: Counter[tuple[int, datetime]] = field(default_factory=Counter)

    def add(self, release: Release, sign: int, next_hour: datetime) -> None:
        if not release.released:
            return
        self.site += sign
        for tag_id in release.tag_ids:
            self.tags[tag_id] += sign
        at = release.published_at
        if at is not None and at >= next_hour:  # hours gone by are never read again
            self.hours[hour_of(at)] += sign
            for tag_id in release.tag_ids:
                self.tag_hours[tag_id, hour_of(at)] += sign

    @classmethod
    def between(cls, pairs: Iterable[tuple[Release, Release]]) -> Moves:
        """The moves from what each ``before`` counted to what its ``after`` counts."""
        moves, next_hour = cls(), first_hour_ahead()
        for before, after in pairs:
            moves.add(before, -1, next_hour)
            moves.add(after, +1, next_hour)
        return moves

    def tag_rows(self) -> list[dict[str, int]]:
        return [{"tag_id": tag_id, "by": n} for tag_id, n in sorted(self.tags.items()) if n]

    def hour_rows(self) -> list[dict[str, Any]]:
        return [{"hour": hour, "articles": n} for hour, n in sorted(self.hours.items()) if n]

    def tag_hour_rows(self) -> list[dict[str, Any]]:
        return [
            {"tag_id": tag_id, "hour": hour, "articles": n}
            for (tag_id, hour), n in sorted(self.tag_hours.items())
            if n
        ]

    def statements(self, dialect: str) -> Iterator[tuple[Executable, Any]]:
        """The statements that apply the moves, in the order every writer locks: the site,
        its hours, the tags by id, their hours by (tag, hour). Sorted rows take their
        locks in one order, so two writers never wait on each other in a cycle."""
        if self.site:
            yield _site_moved, {"by": self.site}
        if hours := self.hour_rows():
            yield insert_or_add(HOURS, dialect, "articles"), hours
        if tags := self.tag_rows():
            yield _tag_moved, tags
        if tag_hours := self.tag_hour_rows():
            yield insert_or_add(TAG_HOURS, dialect, "articles"), tag_hours


async def move(session: AsyncSession, before: Release, after: Release) -> None:
    """Move the counters from what ``before`` counted to what ``after`` counts.

    Call it before writing the tag links, so this transaction takes the tags' row locks
    before any foreign-key check of its own takes a shared one.
    """
    moves = Moves.between([(before, after)])
    for statement, rows in moves.statements(session.get_bind().dialect.name):
        await session.execute(statement, rows)


def count_inserted(session: Session, releases: Iterable[Release]) -> None:
    """Count articles just inserted (bulk work, such as an import): the site's released
    total, its hours still ahead, their tags' released counts and the tags' hours.

    One statement for each, whatever their number, in the order every writer locks them.
    Call it before inserting their tag links (see the module's lock order)."""
    moves = Moves.between((NOTHING, release) for release in releases)
    for statement, rows in moves.statements(session.get_bind().dialect.name):
        session.execute(statement, rows)


def withdraw(session: Session, releases: Iterable[Release]) -> None:
    """Take articles about to be deleted out of the counts (bulk work, such as deleting an
    account): one statement for the site, and one each for the hours, the tags and their
    hours, whatever their number, in the order every writer locks them."""
    moves = Moves.between((release, NOTHING) for release in releases)
    for statement, rows in moves.statements(session.get_bind().dialect.name):
        session.execute(statement, rows)


_favorite_withdrawn = (
    update(ARTICLES)
    .where(ARTICLES.c.id == bindparam("article_id", type_=Integer))
    .values(favorites_count=ARTICLES.c.favorites_count - 1, updated_at=ARTICLES.c.updated_at)
)


def withdraw_favorites(session: Session, article_ids: Iterable[int]) -> None:
    """One favorite fewer on each of ``article_ids``, for favorites about to be deleted in
    bulk, on articles this transaction has locked; in id order, as every writer locks."""
    rows = [{"article_id": article_id} for article_id in sorted(article_ids)]
    if rows:
        session.execute(_favorite_withdrawn, rows)


async def tag_ids_of(session: AsyncSession, article_id: int) -> list[int]:
    rows = await session.scalars(
        select(article_tags.c.tag_id).where(article_tags.c.article_id == article_id)
    )
    return list(rows)


def count_as_released(session: Session, articles: Select[int]) -> None:
    """Add the articles ``articles`` selects (ids of drafts about to be published, or of
    released articles just inserted) to the site's and their tags' released counts.

    Set-based, whatever their number: one UPDATE for the site, one for their tags.
    """
    ids = articles.scalar_subquery()
    links = select(article_tags.c.tag_id).where(article_tags.c.article_id.in_(ids))
    per_tag = (
        select(func.count())
        .select_from(article_tags)
        .where(article_tags.c.tag_id == TAGS.c.id, article_tags.c.article_id.in_(ids))
        .scalar_subquery()
    )
    how_many = select(func.count()).select_from(articles.subquery()).scalar_subquery()
    session.execute(
        update(SiteTotals)
        .values(released_articles=SiteTotals.released_articles + how_many)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(TAGS)
        .where(TAGS.c.id.in_(links))
        .values(released_articles=TAGS.c.released_articles + per_tag)
    )
