"""Every statement about single articles (pages of them: see ``listing``; favorites and the
other counted writes: see ``counters``)."""

from __future__ import annotations

from sqlalchemy import (
    Select,
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from pressroom.models import Article


def by_slug_statement(slug: str) -> Select[Article]:
    return select(Article).options(joinedload(Article.author)).where(Article.slug == slug)


async def get_by_slug(session: AsyncSession, slug: str) -> Article | None:
    return await session.scalar(by_slug_statement(slug))


async def delete_article(session: AsyncSession, article_id: int) -> None:
    """Comments, tag links and favorites go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Article).where(Article.id == article_id))
