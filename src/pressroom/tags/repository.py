"""Every statement about tags and the article-tag links."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pressroom.db.base import Base
from pressroom.db.dialects import insert_once
from pressroom.db.rows import Reads, read_rows
from pressroom.models import Article, Tag, TagScheduledHour, article_tags
from pressroom.models.articles import now_parameter
from pressroom.models.site import first_hour_ahead_parameter

TAGS = Base.metadata.tables[Tag.__tablename__]
# How many of the most released tags give the floor of a top, per place in it: a few
# more than the places, so that a tag or two with many articles still scheduled does not
# lower it much.
PROBED_PER_PLACE = 2
_IntColumn = ColumnElement[int] | InstrumentedAttribute[int]


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


def _uses_of(
    tag_id: _IntColumn,
    released: _IntColumn,
    now: BindParameter[datetime],
    next_hour: BindParameter[datetime],
) -> ColumnElement[int]:
    """One tag's visible articles: its released count less its scheduled hours ahead and
    its links due within the current hour, each an index range of that tag alone."""
    later_hours = (
        select(func.coalesce(cast(func.sum(TagScheduledHour.articles), Integer), 0))
        .where(TagScheduledHour.tag_id == tag_id, TagScheduledHour.hour >= next_hour)
        .scalar_subquery()
    )
    this_hour = (
        select(func.count())
        .select_from(article_tags)
        .where(
            article_tags.c.tag_id == tag_id,
            article_tags.c.published_at > now,
            article_tags.c.published_at < next_hour,
        )
        .scalar_subquery()
    )
    return released - later_hours - this_hour


@cache  # built once per limit
def top_statement(limit: int) -> Select[str, int]:
    """The ``limit`` tags on the most visible articles with their uses, most used first,
    ties by name: :func:`counts_statement`'s first rows, without working out every tag's
    uses. Tags used by no visible article may end the list: the caller drops them.

    A tag's visible articles are never more than its released ones. So the ``limit``-th
    best uses among any few tags is a floor that every tag of the true top reaches, and
    only tags released on at least that many articles can be in the top. The few tags
    released most give the floor (a range of the index on the released count); the top
    is then chosen among the tags at or above it, usually not many more than ``limit``.
    """
    # One clock for both steps: a floor read a moment later than the top could be higher.
    now, next_hour = now_parameter(), first_hour_ahead_parameter()
    probe = (
        select(Tag.id, Tag.released_articles)
        .order_by(Tag.released_articles.desc())
        .limit(PROBED_PER_PLACE * limit)
        .subquery("probe")
    )
    probe_uses = _uses_of(probe.c.id, probe.c.released_articles, now, next_hour).label("uses")
    floor = select(probe_uses).order_by(probe_uses.desc()).offset(limit - 1).limit(1)
    uses = _uses_of(Tag.id, Tag.released_articles, now, next_hour).label("uses")
    return (
        select(Tag.name, uses)
        # No floor: fewer tags than places, so all of them.
        .where(Tag.released_articles >= func.coalesce(floor.scalar_subquery(), 0))
        .order_by(uses.desc(), Tag.name)
        .limit(limit)
    )


async def list_popular(reads: Reads, limit: int | None = None) -> list[str]:
    """Names of tags on visible articles, most used first; the ``limit`` most used, if
    given."""
    if limit is None:
        return [name for name, _ in await read_rows(reads, counts_statement())]
    return [name for name, uses in await read_rows(reads, top_statement(limit)) if uses > 0]


async def list_counts(reads: Reads) -> list[tuple[str, int]]:
    return [(name, uses) for name, uses in await read_rows(reads, counts_statement())]


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
