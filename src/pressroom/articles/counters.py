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

Bulk work (seed, import, bulk publish) recounts instead, set-based, with :func:`recount`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Update,
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
from pressroom.kit.words import count_words
from pressroom.models import Article, ScheduledHour, SiteTotals, Tag, article_tags, favorites
from pressroom.models.articles import scheduled_after_now
from pressroom.models.site import hour_of

TAGS = Base.metadata.tables[Tag.__tablename__]
ARTICLES = Base.metadata.tables[Article.__tablename__]
HOURS = Base.metadata.tables[ScheduledHour.__tablename__]
ONE_HOUR = timedelta(hours=1)
_IDS_PER_STATEMENT = 1000


# --- reading: visible totals from the counters ---------------------------------------------


def visible_articles() -> Select[Any]:
    """How many articles readers see now: the released count less those still scheduled.

    The scheduled ones are added up by the hour (see ``ScheduledHour``), and counted one
    by one only within the current hour: a handful of rows however many are scheduled.
    """
    next_hour = bindparam("next_hour", callable_=_next_hour, type_=UTCDateTime(), unique=True)
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
_UNCHANGED = {"updated_at": Article.updated_at}


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
    .values(favorites_count=Article.favorites_count + bindparam("by", type_=Integer), **_UNCHANGED)
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
    next_hour = _next_hour()
    per_hour: Counter[datetime] = Counter()
    for release, sign in ((before, -1), (after, +1)):
        if release.published_at is not None and release.published_at >= next_hour:
            per_hour[hour_of(release.published_at)] += sign
    return [{"hour": hour, "articles": by} for hour, by in sorted(per_hour.items()) if by]


def _next_hour() -> datetime:
    return hour_of(utc_now()) + ONE_HOUR


def count_scheduled(session: Session, times: Iterable[datetime | None]) -> None:
    """Count articles just inserted at ``times`` into the hours still ahead (bulk work)."""
    next_hour = _next_hour()
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


# --- bulk: recount from the rows -----------------------------------------------------------


@dataclass(frozen=True)
class Recounted:
    """How many counters (and tag links' copies of a publication time, and articles' word
    counts) were wrong and are now right."""

    site: int
    tags: int
    articles: int
    links: int
    hours: int
    words: int

    @property
    def total(self) -> int:
        return self.site + self.tags + self.articles + self.links + self.hours + self.words


def _true_site_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(Article)
        .where(Article.published_at.is_not(None))
        .scalar_subquery()
    )


def _true_tag_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(article_tags)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(article_tags.c.tag_id == TAGS.c.id, Article.published_at.is_not(None))
        .scalar_subquery()
    )


def _true_favorites_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(favorites)
        .where(favorites.c.article_id == Article.id)
        .scalar_subquery()
    )


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    # Bounded IN lists: no database's parameter limit is ever reached.
    return (ids[i : i + _IDS_PER_STATEMENT] for i in range(0, len(ids), _IDS_PER_STATEMENT))


def _fix(session: Session, statement: Update, ids: Collection[int] | None, key: Any) -> int:
    """Run ``statement`` on every row (``ids`` None) or on ``ids`` a chunk at a time."""
    if ids is None:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    fixed = 0
    for chunk in _chunks(sorted(ids)):
        result = session.execute(statement.where(key.in_(chunk)))
        fixed += int(result.rowcount)  # type: ignore[attr-defined]
    return fixed


def recount_favorites(session: Session, article_ids: Collection[int] | None = None) -> int:
    """Set ``favorites_count`` from the favorites of ``article_ids`` (None: every article);
    returns how many were wrong."""
    true_count = _true_favorites_count()
    statement = (
        update(Article)
        .where(Article.favorites_count != true_count)
        .values(favorites_count=true_count, **_UNCHANGED)
        .execution_options(synchronize_session=False)
    )
    return _fix(session, statement, article_ids, Article.id)


def recount(session: Session, *, words: bool = True) -> Recounted:
    """Set every counter to what the rows say, writing only those that are wrong.

    ``words=False`` leaves the word counts alone, for a writer that just counted them
    with the bodies it wrote: checking them means reading every body.
    """
    site_count = _true_site_count()
    site = session.execute(
        update(SiteTotals)
        .where(SiteTotals.released_articles != site_count)
        .values(released_articles=site_count)
        .execution_options(synchronize_session=False)
    )
    tag_count = _true_tag_count()
    tags = session.execute(
        update(TAGS)
        .where(TAGS.c.released_articles != tag_count)
        .values(released_articles=tag_count)
    )
    articles = recount_favorites(session)
    article_time = (
        select(Article.published_at)
        .where(Article.id == article_tags.c.article_id)
        .scalar_subquery()
    )
    links = session.execute(
        update(article_tags)
        .where(article_tags.c.published_at.is_distinct_from(article_time))
        .values(published_at=article_time)
    )
    return Recounted(
        int(site.rowcount),  # type: ignore[attr-defined]
        int(tags.rowcount),  # type: ignore[attr-defined]
        articles,
        int(links.rowcount),  # type: ignore[attr-defined]
        _recount_hours(session),
        recount_words(session) if words else 0,
    )


_WORDS_BATCH = 1000


def recount_words(session: Session) -> int:
    """Set each article's ``word_count`` from its body, a batch of articles at a time;
    returns how many were wrong. Words are counted here as on every write, in Python."""
    # On the table: an UPDATE of the mapped class with a list of rows would be the ORM's
    # bulk update by primary key, which wants every row's version.
    fix = (
        update(ARTICLES)
        .where(ARTICLES.c.id == bindparam("article_id"))
        .values(word_count=bindparam("words"), updated_at=ARTICLES.c.updated_at)
    )
    wrong, last_id = 0, 0
    while True:
        batch = session.execute(
            select(Article.id, Article.body, Article.word_count)
            .where(Article.id > last_id)
            .order_by(Article.id)
            .limit(_WORDS_BATCH)
        ).all()
        if not batch:
            return wrong
        fixes = [
            {"article_id": article_id, "words": words}
            for article_id, body, stored in batch
            if (words := count_words(body)) != stored
        ]
        if fixes:
            session.execute(fix, fixes)
        wrong += len(fixes)
        last_id = batch[-1].id


def _recount_hours(session: Session) -> int:
    """Rebuild the scheduled hours from the scheduled articles; how many hours were wrong
    (rows of hours gone by are dropped and not counted)."""
    next_hour = _next_hour()
    stored = dict(
        session.execute(
            select(ScheduledHour.hour, ScheduledHour.articles).where(
                ScheduledHour.hour >= next_hour
            )
        ).all()
    )
    times = session.scalars(select(Article.published_at).where(Article.published_at >= next_hour))
    truth = Counter(hour_of(t) for t in times if t is not None)
    wrong = sum(
        1 for hour in stored.keys() | truth.keys() if stored.get(hour, 0) != truth.get(hour, 0)
    )
    session.execute(delete(ScheduledHour))
    if truth:
        session.execute(
            insert(ScheduledHour), [{"hour": h, "articles": n} for h, n in sorted(truth.items())]
        )
    return wrong


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
