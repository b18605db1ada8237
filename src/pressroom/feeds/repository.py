"""Every statement behind the feeds and the sitemap.

Each read runs a fixed number of statements whatever the number of articles: the newest
published articles come with their authors joined in; nothing is loaded per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from pressroom.articles import counters
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.models import Article, Tag, User, article_tags

FEED_SIZE = 20
# The sitemap protocol allows 50,000 URLs in one file; more go in several, listed by an index.
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


ArticleEntry = tuple[str, datetime, datetime | None]  # slug, last update, publication
AuthorEntry = tuple[str, datetime | None]  # username, latest publication


@dataclass(frozen=True)
class SitemapPlan:
    """One sitemap file, or an index of files, each of a range of ids ``SITEMAP_MAX_URLS``
    wide: a file's articles (or authors) are those whose id falls in it, so a file keeps its
    address and holds the same entries whatever is published meanwhile elsewhere."""

    fits_one_file: bool
    article_pages: range
    author_pages: range


async def sitemap_plan(session: AsyncSession) -> SitemapPlan:
    """Read in one statement: how many URLs there are at most, and the ids they span."""

    def published(id_of: Any) -> Any:
        return select(id_of(Article.id)).where(Article.is_published).scalar_subquery()

    row = (
        await session.execute(
            select(
                counters.visible_articles().scalar_subquery(),
                select(func.count()).select_from(User).scalar_subquery(),
                published(func.min),
                published(func.max),
                select(func.min(User.id)).scalar_subquery(),
                select(func.max(User.id)).scalar_subquery(),
            )
        )
    ).one()
    articles, users, first_article, last_article, first_user, last_user = row
    return SitemapPlan(
        # Every user at most once beside every visible article: one file is enough.
        fits_one_file=articles + users <= SITEMAP_MAX_URLS,
        article_pages=_pages(first_article, last_article),
        author_pages=_pages(first_user, last_user),
    )


def _pages(first_id: int | None, last_id: int | None) -> range:
    if first_id is None or last_id is None:
        return range(0)
    return range(first_id // SITEMAP_MAX_URLS, last_id // SITEMAP_MAX_URLS + 1)


def _ids_of_page(column: InstrumentedAttribute[int], page: int | None) -> ColumnElement[bool]:
    if page is None:
        return true()
    # The last page stops at the largest id: a bound past it overflows an integer parameter.
    last_id = min((page + 1) * SITEMAP_MAX_URLS - 1, INTEGER_MAX)
    return column.between(page * SITEMAP_MAX_URLS, last_id)


async def sitemap_articles(session: AsyncSession, page: int | None = None) -> list[ArticleEntry]:
    """Published articles, of one page of ids or (``None``) the newest of them all."""
    statement = select(Article.slug, Article.updated_at, Article.published_at).where(
        Article.is_published, _ids_of_page(Article.id, page)
    )
    if page is None:
        statement = statement.order_by(Article.published_at.desc(), Article.id.desc())
    else:
        statement = statement.order_by(Article.id)
    rows = await session.execute(statement.limit(SITEMAP_MAX_URLS))
    return [(slug, updated, published) for slug, updated, published in rows]


async def sitemap_authors(session: AsyncSession, page: int | None = None) -> list[AuthorEntry]:
    """Authors with at least one published article, with their latest publication time,
    of one page of ids or (``None``) of them all."""
    latest = func.max(Article.published_at)
    rows = await session.execute(
        select(User.username, latest)
        .join(Article, Article.author_id == User.id)
        .where(Article.is_published, _ids_of_page(User.id, page))
        .group_by(User.id, User.username)
        .order_by(User.username if page is None else User.id)
        .limit(SITEMAP_MAX_URLS)
    )
    return [(username, moment) for username, moment in rows]
