"""Time passing, for scheduled articles: no test waits for a real publication time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.kit.clock import utc_now
from pressroom.models import Article, ScheduledHour, TagScheduledHour, article_tags
from pressroom.models.site import hour_of


async def the_time_comes(session: AsyncSession, slug: str) -> None:
    """Stand for the clock passing the article's publication time.

    Rather than the clock moving forward, the article's time moves back to a second ago,
    with everything that is a copy of that time or of its hour: the time its tag links
    keep, and its place among the hours still ahead, the site's and its tags' (whose hour
    has, in effect, come).
    No counter is touched, as none is when the real clock moves on.
    """
    moment = utc_now() - timedelta(seconds=1)
    article_id, scheduled_for = (
        await session.execute(select(Article.id, Article.published_at).where(Article.slug == slug))
    ).one()
    await session.execute(
        update(Article).where(Article.id == article_id).values(published_at=moment)
    )
    await session.execute(
        update(article_tags)
        .where(article_tags.c.article_id == article_id)
        .values(published_at=moment)
    )
    if scheduled_for is not None:
        await session.execute(
            update(ScheduledHour)
            .where(ScheduledHour.hour == hour_of(scheduled_for))
            .values(articles=ScheduledHour.articles - 1)
        )
        await session.execute(
            update(TagScheduledHour)
            .where(
                TagScheduledHour.hour == hour_of(scheduled_for),
                TagScheduledHour.tag_id.in_(
                    select(article_tags.c.tag_id).where(article_tags.c.article_id == article_id)
                ),
            )
            .values(articles=TagScheduledHour.articles - 1)
        )
