"""Every statement about single articles (pages of them: see ``listing``; favorites and the
other counted writes: see ``counters``)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Select,
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.models import Article


def by_slug_statement(slug: str) -> Select[Article]:
    return select(Article).where(Article.slug == slug)


async def get_by_slug(session: AsyncSession, slug: str) -> Article | None:
    """The article to change, as an ORM object (its version counter guards the update)."""
    return await session.scalar(by_slug_statement(slug))


class ArticleReference(NamedTuple):
    """What deciding who may see an article takes, without its body or its author."""

    id: int
    author_id: int
    published_at: datetime | None


def reference_statement(slug: str) -> Select[int, int, datetime | None]:
    return select(Article.id, Article.author_id, Article.published_at).where(Article.slug == slug)


async def get_reference(session: AsyncSession, slug: str) -> ArticleReference | None:
    """An article to read or to act on without changing it (favorite, comment)."""
    row = (await session.execute(reference_statement(slug))).first()
    return None if row is None else ArticleReference(*row)


async def delete_article(session: AsyncSession, article_id: int) -> None:
    """Comments, tag links and favorites go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Article).where(Article.id == article_id))
