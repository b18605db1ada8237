"""Every statement about tags and the article-tag links."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    bindparam,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.base import Base
from pressroom.db.dialects import insert_once
from pressroom.db.rows import Reads, read_rows
from pressroom.db.types import UTCDateTime
from pressroom.kit.clock import utc_now
from pressroom.models import Article, Tag, TagScheduledHour, article_tags
from pressroom.models.site import first_hour_ahead, first_hour_ahead_parameter

TAGS = Base.metadata.tables[Tag.__tablename__]


def _scheduled_per_tag() -> tuple[Subquery, Subquery]:
    """``(tag_id, scheduled)`` for the tags with articles still scheduled: in the hours
    ahead, added up from the tags' scheduled hours; within the current hour, counted from
    its few articles (an index range on the publication time). Neither reads the links of
    every scheduled article."""
    next_hour = first_hour_ahead_parameter()
    later_hours = (
        select(
            TagScheduledHour.tag_id,
            # MariaDB sums integers into a DECIMAL: back to an integer, for an integer total.
            cast(func.sum(TagScheduledHour.articles), Integer).label("scheduled"),
        )
        .where(TagScheduledHour.hour >= next_hour)
        .group_by(TagScheduledHour.tag_id)
        .subquery("later_hours")
    )
    this_hour = (
        select(article_tags.c.tag_id, func.count().label("scheduled"))
        .select_from(Article)
        .join(article_tags, article_tags.c.article_id == Article.id)
        .where(Article.scheduled_now(), Article.published_at < next_hour)
        .group_by(article_tags.c.tag_id)
        .subquery("this_hour")
    )
    return later_hours, this_hour


@cache  # built once: it has no parameter but the clock, read when it runs
def counts_statement() -> Select[str, int]:
    """Each tag on visible articles with how many use it, most used first, ties by name.

    From the maintained counts (published or scheduled) less the articles still scheduled:
    no scan of the links however many there are.
    """
    later_hours, this_hour = _scheduled_per_tag()
    uses = (
        Tag.released_articles
        - func.coalesce(later_hours.c.scheduled, 0)
        - func.coalesce(this_hour.c.scheduled, 0)
    ).label("uses")
    return (
        select(Tag.name, uses)
        .outerjoin(later_hours, later_hours.c.tag_id == Tag.id)
        .outerjoin(this_hour, this_hour.c.tag_id == Tag.id)
        .where(uses > 0)
        .order_by(uses.desc(), Tag.name)
    )


def visible_articles(
    now: ColumnElement[datetime], next_hour: ColumnElement[datetime]
) -> ColumnElement[int]:
    """The visible articles of the tag of the statement's ``tags`` row, as of ``now`` and
    the hour after it: its released count less its scheduled hours ahead and its links
    due within the current hour, each an index range of that tag alone."""
    later_hours = (
        # MariaDB sums integers into a DECIMAL: back to an integer, for an integer total.
        select(func.coalesce(cast(func.sum(TagScheduledHour.articles), Integer), 0))
        .where(TagScheduledHour.tag_id == Tag.id, TagScheduledHour.hour >= next_hour)
        .correlate(Tag)
        .scalar_subquery()
    )
    this_hour = (
        select(func.count())
        .select_from(article_tags)
        .where(
            article_tags.c.tag_id == Tag.id,
            article_tags.c.published_at > now,
            article_tags.c.published_at < next_hour,
        )
        .correlate(Tag)
        .scalar_subquery()
    )
    return Tag.released_articles - later_hours - this_hour


# The clock as values of the caller's: both statements below read the same moment.
_USES = visible_articles(
    bindparam("now", type_=UTCDateTime()), bindparam("next_hour", type_=UTCDateTime())
).label("uses")
# The tags released most, in the order of the index on (released count, id).
_MOST_RELEASED = (
    select(Tag.id, Tag.name, Tag.released_articles, _USES)
    .order_by(Tag.released_articles.desc(), Tag.id.desc())
    .limit(bindparam("places", type_=Integer))
)
# The tags that come after one of them in that order and are released at least ``floor``
# times; its condition on the released count first, for a range of the index.
_RELEASED_AFTER = select(Tag.id, Tag.name, Tag.released_articles, _USES).where(
    Tag.released_articles >= bindparam("floor", type_=Integer),
    Tag.released_articles <= bindparam("after_released", type_=Integer),
    or_(
        Tag.released_articles < bindparam("after_released", type_=Integer),
        Tag.id < bindparam("after_id", type_=Integer),
    ),
)


def _most_used(reads: Reads, places: int) -> list[str]:
    """The ``places`` tags on the most visible articles, most used first, ties by name:
    the first of :func:`counts_statement`'s, without working out every tag's uses.

    A tag is never visible on more articles than it is released on. So the uses of the
    ``places`` tags released most are a floor: the top's every tag has at least as many
    uses as the least used of them, so it is released at least that many times. The tags
    after them in the index that reach the floor are usually few; the top is among the
    two sets. Two statements, always, each a short range of the index: in one statement
    the floor would be a value PostgreSQL cannot see when it plans, and from a guess of a
    third of all tags, it would compile the statement to machine code (JIT), which took
    250 ms at a million articles for 13 ms of work.
    """
    # One clock for both: visible articles only grow as time passes, so a floor read
    # later than the tags below it could be too high.
    now = utc_now()
    clock = {"now": now, "next_hour": first_hour_ahead(now)}
    most_released = read_rows(reads, _MOST_RELEASED, clock | {"places": places}).all()
    floor, after_released, after_id = 1, 0, 0  # fewer tags than places: none after them
    if len(most_released) == places:
        floor = max(1, min(row.uses for row in most_released))
        after_released, after_id = most_released[-1].released_articles, most_released[-1].id
    after = {"floor": floor, "after_released": after_released, "after_id": after_id}
    reaching = read_rows(reads, _RELEASED_AFTER, clock | after).all()
    used = [row for row in [*most_released, *reaching] if row.uses > 0]
    used.sort(key=lambda row: (-row.uses, row.name))
    return [row.name for row in used[:places]]


def list_popular(reads: Reads, limit: int | None = None) -> list[str]:
    """Names of tags on visible articles, most used first; the ``limit`` most used, if
    given."""
    if limit is None:
        return [name for name, _ in read_rows(reads, counts_statement())]
    return _most_used(reads, limit)


def list_counts(reads: Reads) -> list[tuple[str, int]]:
    return [(name, uses) for name, uses in read_rows(reads, counts_statement())]


async def _ids_by_name(session: AsyncSession, names: Collection[str]) -> dict[str, int]:
    # Every connection reads at READ COMMITTED: each statement sees what was committed
    # before it began, another request's new tag included. No lock is taken: a shared
    # lock on a tag whose count this transaction updates later, after the site's, would
    # deadlock with another writer holding the same.
    rows = await session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(set(names))))
    return dict(rows.all())


async def known_ids(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """The ids of those of ``names`` that are tags already; a read, nothing is created."""
    return await _ids_by_name(session, names) if names else {}


async def ensure_ids(
    session: AsyncSession, names: Sequence[str], known: dict[str, int] | None = None
) -> list[int]:
    """Ids for ``names``, creating the tags that do not exist yet (``known``: what
    :func:`known_ids` gave for them, if it was asked already)."""
    if not names:
        return []
    existing = dict(known) if known is not None else await _ids_by_name(session, names)
    missing = [name for name in names if name not in existing]
    if missing:
        # A concurrent request may create some of them first: skip those, then read all back.
        new_tags = insert_once(TAGS, session.get_bind().dialect.name)
        await session.execute(new_tags, [{"name": name} for name in missing])
        # The insert waited for any request creating one of them to end: they are all
        # committed now, and this read sees them.
        existing |= await _ids_by_name(session, missing)
    return [existing[name] for name in names]


async def replace_links(
    session: AsyncSession, article_id: int, tag_ids: Sequence[int], published_at: datetime | None
) -> None:
    """Make ``tag_ids`` the article's tags."""
    await session.execute(delete(article_tags).where(article_tags.c.article_id == article_id))
    await add_links(session, article_id, tag_ids, published_at)


async def add_links(
    session: AsyncSession, article_id: int, tag_ids: Sequence[int], published_at: datetime | None
) -> None:
    """Tag a new article; each link carries the article's publication time."""
    if tag_ids:
        await session.execute(
            insert(article_tags),
            [
                {"article_id": article_id, "tag_id": t, "published_at": published_at}
                for t in tag_ids
            ],
        )


async def retime_links(
    session: AsyncSession, article_id: int, published_at: datetime | None
) -> None:
    """Follow the article's new publication time (published, scheduled, back to a draft)."""
    await session.execute(
        update(article_tags)
        .where(article_tags.c.article_id == article_id)
        .values(published_at=published_at)
    )
