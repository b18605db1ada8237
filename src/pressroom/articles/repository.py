"""Every statement about articles and favorites.

A page of articles is read in a fixed number of statements whatever its size: the page
(with authors joined), its total, then tags, favorite counts and per-viewer flags for all
of its articles at once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, delete, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from pressroom.articles import search
from pressroom.db.dialects import insert_once
from pressroom.kit.pagination import Position
from pressroom.models import Article, Tag, User, article_tags, favorites, follows
from pressroom.models.articles import ArticleStatus


@dataclass(frozen=True)
class ArticleFilter:
    tag: str | None = None
    author: str | None = None
    favorited_by: str | None = None
    feed_of: int | None = None  # the user whose followed authors make the feed
    query: str | None = None  # full-text search, most relevant first

    @property
    def ranked(self) -> bool:
        """Sorted by search relevance rather than by time."""
        return self.query is not None


def _conditions(criteria: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.tag is not None:
        conditions.append(
            Article.id.in_(
                select(article_tags.c.article_id)
                .join(Tag, Tag.id == article_tags.c.tag_id)
                .where(Tag.name == criteria.tag)
            )
        )
    if criteria.author is not None:
        conditions.append(
            Article.author_id.in_(select(User.id).where(User.username == criteria.author))
        )
    if criteria.favorited_by is not None:
        conditions.append(
            Article.id.in_(
                select(favorites.c.article_id)
                .join(User, User.id == favorites.c.user_id)
                .where(User.username == criteria.favorited_by)
            )
        )
    if criteria.feed_of is not None:
        conditions.append(
            Article.author_id.in_(
                select(follows.c.followee_id).where(follows.c.follower_id == criteria.feed_of)
            )
        )
    return conditions


# What a list sorts by: a timestamp column, or the rank of a search.
SortKey = ColumnElement[Any] | InstrumentedAttribute[Any]


def _before(key: SortKey, position: Position | None) -> list[ColumnElement[bool]]:
    """Keyset condition: strictly after ``position`` in (key, id) descending order.

    The redundant ``key <= position`` is what lets every planner seek: PostgreSQL cannot
    turn the OR alone into an index range, and MariaDB and SQLite do not use a row-value
    comparison ``(key, id) < (x, y)`` for one.
    """
    if position is None:
        return []
    return [
        key <= position.key,
        or_(key < position.key, Article.id < position.id),
    ]


def _published(criteria: ArticleFilter, dialect: str) -> tuple[Select[Article], SortKey]:
    """Visible articles matching ``criteria``, and the key they sort by (descending)."""
    statement = select(Article).where(Article.is_published, *_conditions(criteria))
    if criteria.query is None:
        return statement, Article.published_at
    found = search.matches(criteria.query, dialect)
    return statement.join(found, found.c.article_id == Article.id), found.c.rank


def page_statement(
    criteria: ArticleFilter,
    dialect: str,
    *,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Select[Article, Any]:
    """Newest (or most relevant) first, with the author joined in and each row's sort key.

    One row more than asked is read, to know whether a next page exists.
    """
    statement, key = _published(criteria, dialect)
    return (
        statement.add_columns(key.label("sort_key"))
        .options(joinedload(Article.author))
        .where(*_before(key, after))
        .order_by(key.desc(), Article.id.desc())
        .limit(limit + 1)
        .offset(offset)
    )


def count_statement(criteria: ArticleFilter, dialect: str) -> Select[int]:
    statement, _ = _published(criteria, dialect)
    return statement.with_only_columns(func.count(), maintain_column_froms=True)


@dataclass(frozen=True)
class Page:
    articles: list[Article]
    total: int
    next: Position | None  # where the following page starts, if there is one


def _page(rows: Sequence[Row[Article, Any]], total: int, limit: int) -> Page:
    articles = [row[0] for row in rows[:limit]]
    if len(rows) <= limit:
        return Page(articles, total, None)
    last, key = rows[limit - 1]
    return Page(articles, total, Position(key, last.id))


async def list_page(
    session: AsyncSession,
    criteria: ArticleFilter,
    *,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Page:
    dialect = session.get_bind().dialect.name
    statement = page_statement(criteria, dialect, limit=limit, offset=offset, after=after)
    rows = (await session.execute(statement)).all()
    total = await session.scalar(count_statement(criteria, dialect)) or 0
    return _page(rows, total, limit)


def _status_condition(status: ArticleStatus) -> ColumnElement[bool]:
    published = Article.published_now()
    if status is ArticleStatus.DRAFT:
        return Article.published_at.is_(None)
    if status is ArticleStatus.SCHEDULED:
        return and_(Article.published_at.is_not(None), not_(published))
    return published


def _own_conditions(author_id: int, status: ArticleStatus | None) -> list[ColumnElement[bool]]:
    conditions = [Article.author_id == author_id]
    if status is not None:
        conditions.append(_status_condition(status))
    return conditions


def own_page_statement(
    author_id: int,
    status: ArticleStatus | None,
    *,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Select[Article, Any]:
    """An author's own articles in any state, most recently created first."""
    return (
        select(Article, Article.created_at.label("sort_key"))
        .options(joinedload(Article.author))
        .where(*_own_conditions(author_id, status), *_before(Article.created_at, after))
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(limit + 1)
        .offset(offset)
    )


def own_count_statement(author_id: int, status: ArticleStatus | None) -> Select[int]:
    return select(func.count()).select_from(Article).where(*_own_conditions(author_id, status))


async def list_own_page(
    session: AsyncSession,
    author_id: int,
    status: ArticleStatus | None,
    *,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Page:
    statement = own_page_statement(author_id, status, limit=limit, offset=offset, after=after)
    rows = (await session.execute(statement)).all()
    total = await session.scalar(own_count_statement(author_id, status)) or 0
    return _page(rows, total, limit)


def by_slug_statement(slug: str) -> Select[Article]:
    return select(Article).options(joinedload(Article.author)).where(Article.slug == slug)


async def get_by_slug(session: AsyncSession, slug: str) -> Article | None:
    return await session.scalar(by_slug_statement(slug))


async def favorite_stats(
    session: AsyncSession, article_ids: Collection[int], viewer_id: int | None
) -> dict[int, tuple[int, bool]]:
    """Favorite count and whether the viewer is among them, per article, in one statement."""
    if not article_ids:
        return {}
    mine = func.max(case((favorites.c.user_id == (viewer_id or -1), 1), else_=0))
    rows = await session.execute(
        select(favorites.c.article_id, func.count(), mine)
        .where(favorites.c.article_id.in_(set(article_ids)))
        .group_by(favorites.c.article_id)
    )
    return {article_id: (count, bool(flag)) for article_id, count, flag in rows}


async def add_favorite(session: AsyncSession, user_id: int, article_id: int) -> None:
    """Idempotent: favoriting twice, even concurrently, leaves one row."""
    statement = insert_once(favorites, session.get_bind().dialect.name)
    await session.execute(statement.values(user_id=user_id, article_id=article_id))


async def remove_favorite(session: AsyncSession, user_id: int, article_id: int) -> None:
    await session.execute(
        delete(favorites).where(
            favorites.c.user_id == user_id, favorites.c.article_id == article_id
        )
    )


async def delete_article(session: AsyncSession, article_id: int) -> None:
    """Comments, tag links and favorites go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Article).where(Article.id == article_id))
