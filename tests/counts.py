"""The maintained counts, the publication time each tag link copies and the word counts,
checked against the rows by independent queries."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import Connection, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from pressroom.kit.clock import utc_now
from pressroom.models import (
    Article,
    ScheduledHour,
    SiteTotals,
    Tag,
    TagScheduledHour,
    article_tags,
    favorites,
)

_RELEASED = Article.published_at.is_not(None)


def wrong_counts(connection: Connection) -> list[str]:
    """Every maintained count that disagrees with a plain COUNT of its rows, described."""
    wrong = []
    site = connection.scalar(select(SiteTotals.released_articles))
    truth = connection.scalar(select(func.count()).select_from(Article).where(_RELEASED))
    if site != truth:
        wrong.append(f"site_totals.released_articles is {site}, not {truth}")
    per_tag = dict(
        connection.execute(
            select(article_tags.c.tag_id, func.count())
            .join(Article, Article.id == article_tags.c.article_id)
            .where(_RELEASED)
            .group_by(article_tags.c.tag_id)
        ).all()
    )
    for tag_id, name, stored in connection.execute(select(Tag.id, Tag.name, Tag.released_articles)):
        if stored != per_tag.get(tag_id, 0):
            wrong.append(f"tag {name!r} counts {stored}, not {per_tag.get(tag_id, 0)}")
    per_article = dict(
        connection.execute(
            select(favorites.c.article_id, func.count()).group_by(favorites.c.article_id)
        ).all()
    )
    for article_id, slug, stored in connection.execute(
        select(Article.id, Article.slug, Article.favorites_count)
    ):
        if stored != per_article.get(article_id, 0):
            wrong.append(
                f"article {slug!r} has {stored} favorites, not {per_article.get(article_id, 0)}"
            )
    next_hour = utc_now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    stored_hours = dict(
        connection.execute(
            select(ScheduledHour.hour, ScheduledHour.articles).where(
                ScheduledHour.hour >= next_hour
            )
        ).all()
    )
    true_hours = Counter(
        t.replace(minute=0, second=0, microsecond=0)
        for t in connection.scalars(
            select(Article.published_at).where(Article.published_at >= next_hour)
        )
    )
    for hour in stored_hours.keys() | true_hours.keys():
        if stored_hours.get(hour, 0) != true_hours.get(hour, 0):
            wrong.append(f"hour {hour} counts {stored_hours.get(hour, 0)}, not {true_hours[hour]}")
    stored_tag_hours = {
        (tag_id, hour): n
        for tag_id, hour, n in connection.execute(
            select(TagScheduledHour.tag_id, TagScheduledHour.hour, TagScheduledHour.articles).where(
                TagScheduledHour.hour >= next_hour
            )
        )
    }
    true_tag_hours = Counter(
        (tag_id, at.replace(minute=0, second=0, microsecond=0))
        for tag_id, at in connection.execute(
            select(article_tags.c.tag_id, Article.published_at)
            .join(Article, Article.id == article_tags.c.article_id)
            .where(Article.published_at >= next_hour)
        )
    )
    for key in stored_tag_hours.keys() | true_tag_hours.keys():
        stored, truth = stored_tag_hours.get(key, 0), true_tag_hours.get(key, 0)
        if stored != truth:
            wrong.append(f"tag {key[0]}'s hour {key[1]} counts {stored}, not {truth}")
    for slug, link_time, article_time in connection.execute(
        select(Article.slug, article_tags.c.published_at, Article.published_at).join(
            article_tags, article_tags.c.article_id == Article.id
        )
    ):
        if link_time != article_time:
            wrong.append(f"a tag link of {slug!r} says {link_time}, not {article_time}")
    for slug, body, stored in connection.execute(
        select(Article.slug, Article.body, Article.word_count)
    ):
        if stored != len(body.split()):
            wrong.append(f"article {slug!r} counts {stored} words, not {len(body.split())}")
    return wrong


async def wrong_counts_async(session: AsyncSession | AsyncConnection) -> list[str]:
    if isinstance(session, AsyncSession):
        connection = await session.connection()
    else:
        connection = session
    return await connection.run_sync(wrong_counts)
