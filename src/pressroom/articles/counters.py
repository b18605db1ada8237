"""The maintained counts: favorites per article, and released articles per tag and site-wide.

A list's ``articlesCount`` and each article's ``favoritesCount`` are read on every request;
counting rows for them would be a scan that grows with the site. So every write that
changes what they count changes them too, in the same transaction:

- Favorites: the article's row is locked once found, which queues every (un)favorite of
  one article, then the favorite is added or removed and ``favorites_count`` moves by one
  only if it was.
- Released articles (published or scheduled): a create, update, publish, unpublish or
  delete moves ``site_totals`` and its tags' counts by the difference. Readers subtract the
  few articles still scheduled, so totals stay exact as schedules come due with no write.

Lock order, the same in every transaction: articles (by primary key, in id order), then
users, then ``site_totals``, then the scheduled hours by hour, then tags by id, and
counters before the link rows that point at them. MariaDB's foreign-key check takes a
shared lock on the row a new link points at; two transactions holding that lock and both
asking to update the row would deadlock.

Bulk work (seed, import, bulk publish) adds to them set-based (:func:`count_as_released`,
:func:`count_scheduled`), or recounts them from the rows (``pressroom.articles.recounting``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
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
from pressroom.db.types import UTCDateTime
from pressroom.kit.clock import utc_now
from pressroom.models import Article, ScheduledHour, SiteTotals, Tag, article_tags, favorites
from pressroom.models.articles import scheduled_after_now
from pressroom.models.site import hour_of

TAGS = Base.metadata.tables[Tag.__tablename__]
ARTICLES = Base.metadata.tables[Article.__tablename__]
HOURS = Base.metadata.tables[ScheduledHour.__tablename__]
ONE_HOUR = timedelta(hours=1)


# --- reading: visible totals from the counters ---------------------------------------------


def visible_articles() -> Select[Any]:
    """How many articles readers see now: the released count less those still scheduled.

    The scheduled ones are added up by the hour (see ``ScheduledHour``), and counted one
    by one only within the current hour: a handful of rows however many are scheduled.
    """
    next_hour = bindparam("next_hour", callable_=first_hour_ahead, type_=UTCDateTime(), unique=True)
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
    """Like :func:`visible_articles`, for the tag named by the ``tag`` parameter: its
    scheduled articles are a range of the tag-timeline index."""
    scheduled = (
        select(func.count())
        .select_from(article_tags)
        .where(article_tags.c.tag_id == Tag.id, scheduled_after_now(article_tags.c.published_at))
        .correlate(Tag)
        .scalar_subquery()
    )
    return select(Tag.released_articles - scheduled).where(Tag.name == bindparam("tag"))


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
    site and to each of its tags, and to its hour while that is still ahead."""

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


def _changes(before: Release, after: Release) -> tuple[int, list[dict[str, int]]]:
    per_tag: Counter[int] = Counter()
    for release, sign in ((before, -1), (after, +1)):
        if release.released:
            for tag_id in release.tag_ids:
                per_tag[tag_id] += sign
    site = int(after.released) - int(before.released)
    tags = [{"tag_id": tag_id, "by": by} for tag_id, by in sorted(per_tag.items()) if by]
    return site, tags


async def move(session: AsyncSession, before: Release, after: Release) -> None:
    """Move the counters from what ``before`` counted to what ``after`` counts.

    Call it before writing the tag links, so this transaction takes the tags' row locks
    before any foreign-key check of its own takes a shared one.
    """
    site, tags = _changes(before, after)
    if site:
        await session.execute(_site_moved, {"by": site})
    hours = _hours_changed(before, after)
    if hours:
        statement = insert_or_add(HOURS, session.get_bind().dialect.name, "articles")
        await session.execute(statement, hours)  # in hour order: no lock cycles
    if tags:
        await session.execute(_tag_moved, tags)  # in tag id order: no lock cycles


def _hours_changed(before: Release, after: Release) -> list[dict[str, Any]]:
    """+1 to the hour an article is now scheduled in, -1 to the one it left, for hours
    still ahead (those gone by are never read again)."""
    next_hour = first_hour_ahead()
    per_hour: Counter[datetime] = Counter()
    for release, sign in ((before, -1), (after, +1)):
        if release.published_at is not None and release.published_at >= next_hour:
            per_hour[hour_of(release.published_at)] += sign
    return [{"hour": hour, "articles": by} for hour, by in sorted(per_hour.items()) if by]


def first_hour_ahead() -> datetime:
    """The start of the next hour: the hours before it are never read as scheduled again."""
    return hour_of(utc_now()) + ONE_HOUR


def count_scheduled(session: Session, times: Iterable[datetime | None]) -> None:
    """Count articles just inserted at ``times`` into the hours still ahead (bulk work)."""
    next_hour = first_hour_ahead()
    per_hour = Counter(hour_of(t) for t in times if t is not None and t >= next_hour)
    if per_hour:
        statement = insert_or_add(HOURS, session.get_bind().dialect.name, "articles")
        session.execute(
            statement, [{"hour": hour, "articles": n} for hour, n in sorted(per_hour.items())]
        )


def withdraw(session: Session, releases: Iterable[Release]) -> None:
    """Take articles about to be deleted out of the counts (bulk work, such as deleting an
    account): one statement for the site, one for the hours and one for the tags, whatever
    their number, in the order every writer locks them."""
    site, per_hour, per_tag = 0, Counter[datetime](), Counter[int]()
    for release in releases:
        moved, tags = _changes(release, NOTHING)
        site += moved
        per_tag.update({change["tag_id"]: change["by"] for change in tags})
        for change in _hours_changed(release, NOTHING):
            per_hour[change["hour"]] += change["articles"]
    if site:
        session.execute(_site_moved, {"by": site})
    if per_hour:
        statement = insert_or_add(HOURS, session.get_bind().dialect.name, "articles")
        session.execute(
            statement, [{"hour": h, "articles": n} for h, n in sorted(per_hour.items())]
        )
    if per_tag:
        session.execute(_tag_moved, [{"tag_id": t, "by": n} for t, n in sorted(per_tag.items())])


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
