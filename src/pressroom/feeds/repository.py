"""Every statement behind the feeds and the sitemap.

Each read runs a fixed number of statements whatever the number of articles: the newest
published articles come with their authors joined in; nothing is loaded per row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from pressroom.models import Article, Tag, User, article_tags

FEED_SIZE = 20
# The sitemap protocol allows 50,000 URLs in one file.
SITEMAP_MAX_URLS = 50_000


def newest_statement(
    *, author: str | None = None, tag: str | None = None, limit: int = FEED_SIZE
) -> Select[Article]:
    """Published articles, newest first, authors joined, optionally by author or tag."""
    conditions: list[ColumnElement[bool]] = []
    if author is not None:
        conditions.append(Article.author_id.in_(select(User.id).where(User.username == author)))
    if tag is not None:
        conditions.append(
            Article.id.in_(
                select(article_tags.c.article_id)
                .join(Tag, Tag.id == article_tags.c.tag_id)
                .where(Tag.name == tag)
            )
        )
    return (
        select(Article)
        .options(joinedload(Article.author))
        .where(Article.is_published, *conditions)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )


async def newest(
    session: AsyncSession, *, author: str | None = None, tag: str | None = None
) -> list[Article]:
    return list(await session.scalars(newest_statement(author=author, tag=tag)))


async def author_exists(session: AsyncSession, username: str) -> bool:
    found = await session.scalar(select(User.id).where(User.username == username))
    return found is not None


async def sitemap_articles(
    session: AsyncSession, limit: int = SITEMAP_MAX_URLS
) -> list[tuple[str, datetime, datetime | None]]:
    """Slug, last update and publication time of published articles, newest first."""
    rows = await session.execute(
        select(Article.slug, Article.updated_at, Article.published_at)
        .where(Article.is_published)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return [(slug, updated, published) for slug, updated, published in rows]


async def sitemap_authors(
    session: AsyncSession, limit: int = SITEMAP_MAX_URLS
) -> list[tuple[str, datetime | None]]:
    """Authors with at least one published article, with their latest publication time."""
    latest = func.max(Article.published_at)
    rows = await session.execute(
        select(User.username, latest)
        .join(Article, Article.author_id == User.id)
        .where(Article.is_published)
        .group_by(User.id, User.username)
        .order_by(User.username)
        .limit(limit)
    )
    return [(username, moment) for username, moment in rows]
