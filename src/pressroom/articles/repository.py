"""Every statement about single articles (pages of them: see ``listing``; favorites and the
other counted writes: see ``counters``)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.models import Article

# The statements every write about an article starts with, built once: building one anew
# (and computing its cache key) for each request cost more than running it.
_SLUG = bindparam("slug", type_=Article.slug.type)
_BY_SLUG = select(Article).where(Article.slug == _SLUG)
_REFERENCE = select(Article.id, Article.author_id, Article.published_at)
_REFERENCE_BY_SLUG = _REFERENCE.where(Article.slug == _SLUG)
# Articles are locked by primary key only, found by slug first without a lock. MariaDB
# locks the index entries a statement reads by: locking through the slug's unique index
# would hold its entry before the row, while deleting an account locks its articles' rows
# first and then needs those entries for the cascade, which deadlocks.
# FOR NO KEY UPDATE on PostgreSQL, so comments and favorites being inserted (whose
# foreign-key checks take KEY SHARE) do not queue; FOR UPDATE on MariaDB. SQLite's writers
# already hold the database lock.
_LOCKED_REFERENCE_BY_ID = _REFERENCE.where(
    Article.id == bindparam("id", type_=Article.id.type)
).with_for_update(key_share=True)


async def get_by_slug(session: AsyncSession, slug: str) -> Article | None:
    """The article to change, as an ORM object (its version counter guards the update)."""
    return await session.scalar(_BY_SLUG, {"slug": slug})


class ArticleReference(NamedTuple):
    """What deciding who may see an article takes, without its body or its author."""

    id: int
    author_id: int
    published_at: datetime | None


async def get_reference(
    session: AsyncSession, slug: str, *, lock: bool = False
) -> ArticleReference | None:
    """An article to read or to act on without changing it (favorite, comment).

    ``lock`` takes its row lock once it is found, until the transaction ends: every
    (un)favorite of an article queues there (see ``pressroom.articles.counters``).
    """
    row = (await session.execute(_REFERENCE_BY_SLUG, {"slug": slug})).first()
    if row is None:
        return None
    return await lock_reference(session, row.id) if lock else ArticleReference(*row)


async def lock_reference(session: AsyncSession, article_id: int) -> ArticleReference | None:
    """The article as it is now, its row locked until the transaction ends; None if it is
    gone meanwhile."""
    row = (await session.execute(_LOCKED_REFERENCE_BY_ID, {"id": article_id})).first()
    return None if row is None else ArticleReference(*row)


async def delete_article(session: AsyncSession, article_id: int) -> None:
    """Comments, tag links and favorites go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Article).where(Article.id == article_id))
