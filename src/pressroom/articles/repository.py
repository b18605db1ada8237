"""Every statement about articles and favorites.

A page of articles is read in a fixed number of statements whatever its size: the page
(with authors joined), its total, then tags, favorite counts and per-viewer flags for all
of its articles at once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    not_,
    or_,
    select,
)
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


# A column of a statement: a mapped attribute or any SQL expression.
ColumnLike = ColumnElement[Any] | InstrumentedAttribute[Any]
# What a list sorts by: a timestamp column, or the rank of a search.
SortKey = ColumnLike


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


# Joins an article's tag names into one column; tag names cannot hold control characters.
TAG_SEPARATOR = "\x1f"


def _summary_columns(viewer_id: int | None) -> list[ColumnLike]:
    """Exactly what a list shows of each article, its tags, favorites and the viewer's flags
    included, as correlated subqueries: the whole page is one statement.

    The body is read for the reading time only; it is not sent.
    """
    tag_names = (
        select(func.aggregate_strings(Tag.name, TAG_SEPARATOR))
        .select_from(article_tags)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    favorites_count = (
        select(func.count())
        .select_from(favorites)
        .where(favorites.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    favorited: ColumnElement[bool] = false()
    following: ColumnElement[bool] = false()
    if viewer_id is not None:
        favorited = exists().where(
            favorites.c.article_id == Article.id, favorites.c.user_id == viewer_id
        )
        following = exists().where(
            follows.c.follower_id == viewer_id, follows.c.followee_id == Article.author_id
        )
    return [
        Article.id,
        Article.slug,
        Article.title,
        Article.description,
        Article.body,
        Article.created_at,
        Article.updated_at,
        Article.published_at,
        Article.version,
        User.username,
        User.bio,
        User.image,
        tag_names.label("tag_names"),
        favorites_count.label("favorites_count"),
        favorited.label("favorited"),
        following.label("following"),
    ]


def _summaries(
    statement: Select[Any], key: SortKey, viewer_id: int | None, after: Position | None
) -> Select[Any]:
    return (
        statement.with_only_columns(
            *_summary_columns(viewer_id), key.label("sort_key"), maintain_column_froms=True
        )
        .join(User, User.id == Article.author_id)
        .where(*_before(key, after))
        .order_by(key.desc(), Article.id.desc())
    )


def page_statement(
    criteria: ArticleFilter,
    dialect: str,
    *,
    viewer_id: int | None = None,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Select[Any]:
    """Newest (or most relevant) first: one row per article with all a list shows of it.

    One row more than asked is read, to know whether a next page exists.
    """
    statement, key = _published(criteria, dialect)
    return _summaries(statement, key, viewer_id, after).limit(limit + 1).offset(offset)


def count_statement(criteria: ArticleFilter, dialect: str) -> Select[int]:
    statement, _ = _published(criteria, dialect)
    return statement.with_only_columns(func.count(), maintain_column_froms=True)


@dataclass(frozen=True)
class Page:
    rows: Sequence[Row[Any]]  # the columns of _summary_columns
    total: int
    next: Position | None  # where the following page starts, if there is one


def _page(rows: Sequence[Row[Any]], total: int, limit: int) -> Page:
    if len(rows) <= limit:
        return Page(rows, total, None)
    last = rows[limit - 1]
    return Page(rows[:limit], total, Position(last.sort_key, last.id))


async def list_page(
    session: AsyncSession,
    criteria: ArticleFilter,
    *,
    viewer_id: int | None,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Page:
    """A page and its total: two statements whatever the page size."""
    dialect = session.get_bind().dialect.name
    statement = page_statement(
        criteria, dialect, viewer_id=viewer_id, limit=limit, offset=offset, after=after
    )
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
) -> Select[Any]:
    """An author's own articles in any state, most recently created first."""
    statement = select(Article).where(*_own_conditions(author_id, status))
    return (
        _summaries(statement, Article.created_at, author_id, after).limit(limit + 1).offset(offset)
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
