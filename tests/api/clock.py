"""Time passing, for scheduled articles: no test waits for a real publication time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.kit.clock import utc_now
from pressroom.models import Article, article_tags


async def the_time_comes(session: AsyncSession, slug: str) -> None:
    """Stand for the clock passing the article's publication time: the stored time moves
    to a second ago, with the copy its tag links keep. No counter is touched, as none is
    when the real clock moves on."""
    moment = utc_now() - timedelta(seconds=1)
    article_id = await session.scalar(select(Article.id).where(Article.slug == slug))
    await session.execute(
        update(Article).where(Article.id == article_id).values(published_at=moment)
    )
    assert article_id is not None, slug
    await session.execute(
        update(article_tags)
        .where(article_tags.c.article_id == article_id)
        .values(published_at=moment)
    )
