"""Every statement about follows, author statistics and the ranking of authors."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    false,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.dialects import insert_once
from pressroom.db.rows import Reads, read_rows
from pressroom.models import Article, Comment, User, favorites, follows


def followed_among(
    reads: Reads, follower_id: int | None, candidate_ids: Collection[int]
) -> set[int]:
    """Which of ``candidate_ids`` the follower follows: one statement for a whole page."""
    if follower_id is None or not candidate_ids:
        return set()
    statement = select(follows.c.followee_id).where(
        follows.c.follower_id == follower_id, follows.c.followee_id.in_(set(candidate_ids))
    )
    return set(read_rows(reads, statement).scalars())


@lru_cache(maxsize=2)
def profile_statement(signed_in: bool) -> Select[str, str | None, str | None, bool]:
    """A profile's columns by username, and whether the viewer follows that user."""
    following: ColumnElement[bool] = false()
    if signed_in:
        following = exists().where(
            follows.c.follower_id == bindparam("viewer_id", type_=Integer),
            follows.c.followee_id == User.id,
        )
    return select(User.username, User.bio, User.image, following.label("following")).where(
        User.username == bindparam("username", type_=User.username.type)
    )


ProfileRow = Row[str, str | None, str | None, bool]


def profile_row(reads: Reads, username: str, viewer_id: int | None) -> ProfileRow | None:
    """The row :func:`profile_statement` reads, in one statement; None if there is none."""
    values: dict[str, Any] = {"username": username}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id
    statement = profile_statement(viewer_id is not None)
    return read_rows(reads, statement, values).one_or_none()


async def follow(session: AsyncSession, follower_id: int, followee_id: int) -> None:
    """Idempotent: following twice, even concurrently, leaves one row."""
    statement = insert_once(follows, session.get_bind().dialect.name)
    await session.execute(statement.values(follower_id=follower_id, followee_id=followee_id))


async def unfollow(session: AsyncSession, follower_id: int, followee_id: int) -> None:
    await session.execute(
        delete(follows).where(
            follows.c.follower_id == follower_id, follows.c.followee_id == followee_id
        )
    )


@dataclass(frozen=True)
class AuthorStats:
    published: int
    drafts: int
    scheduled: int
    first_published_at: datetime | None
    last_published_at: datetime | None
    favorites_received: int
    comments_received: int
    followers: int
    following: int


def stats_statement(
    author_id: int,
) -> Select[int, int, int, datetime | None, datetime | None, int, int, int, int]:
    """One row of aggregates over the author's articles, favorites, comments and follows.

    The articles are aggregated in the outer query (no GROUP BY, so exactly one row even for
    an author with none); the rest are uncorrelated scalar subqueries. ``published`` is one
    expression, used everywhere, so the whole statement reads the clock once: an article
    is counted as exactly one of draft, scheduled or published.
    """
    published = Article.is_published
    draft = Article.published_at.is_(None)
    scheduled = and_(Article.published_at.is_not(None), ~published)
    published_at = case((published, Article.published_at))
    mine = Article.author_id == author_id
    favorites_received = (
        select(func.count())
        .select_from(favorites)
        .join(Article, Article.id == favorites.c.article_id)
        .where(mine, published)
        .correlate(None)
        .scalar_subquery()
    )
    comments_received = (
        select(func.count(Comment.id))
        .join(Article, Article.id == Comment.article_id)
        .where(mine, published)
        .correlate(None)
        .scalar_subquery()
    )
    followers = select(func.count()).where(follows.c.followee_id == author_id).scalar_subquery()
    following = select(func.count()).where(follows.c.follower_id == author_id).scalar_subquery()
    return select(
        func.count(case((published, Article.id))),
        func.count(case((draft, Article.id))),
        func.count(case((scheduled, Article.id))),
        func.min(published_at),
        func.max(published_at),
        favorites_received,
        comments_received,
        followers,
        following,
    ).where(mine)


def author_stats(reads: Reads, author_id: int) -> AuthorStats:
    """The author's statistics in one statement."""
    row = read_rows(reads, stats_statement(author_id)).one()
    return AuthorStats(*row)


class AuthorOrder(StrEnum):
    """What a ranking of authors sorts by, most first."""

    ARTICLES = "articles"
    FAVORITES = "favorites"


@dataclass(frozen=True)
class RankedAuthor:
    id: int
    username: str
    bio: str | None
    image: str | None
    articles: int
    favorites: int


@dataclass(frozen=True)
class AuthorsPage:
    authors: list[RankedAuthor]
    total: int


def _authors_with_at_least(min_articles: int, published: ColumnElement[bool]) -> Select[int]:
    """Ids of the users with ``min_articles`` published articles or more: GROUP BY, then HAVING.

    The outer join keeps users with no published article (their count is 0), so a threshold
    of 0 lets everyone through. Only the grouped key is selected, which even MySQL's strict
    ONLY_FULL_GROUP_BY accepts. Uncorrelated on purpose: it stands alone inside ``IN``.
    """
    return (
        select(User.id)
        .outerjoin(Article, and_(Article.author_id == User.id, published))
        .group_by(User.id)
        .having(func.count(Article.id) >= min_articles)
        .correlate(None)
    )


def ranking_statement(
    min_articles: int, order_by: AuthorOrder, *, limit: int, offset: int
) -> Select[int, str, str | None, str | None, int, int]:
    """A page of authors with their counts, the chosen count first, ties by username.

    Each count is a correlated scalar subquery: evaluated once per user row of the outer
    query, with ``users`` taken from that query rather than listed in the subquery's own FROM.
    The outer query is not grouped, so it may select any user column on every database.
    ``published`` is one expression shared by every part, so the clock is read once.
    """
    published = Article.published_now()
    articles_count = (
        select(func.count(Article.id))
        .where(Article.author_id == User.id, published)
        .correlate(User)
        .scalar_subquery()
        .label("articles_count")
    )
    favorites_count = (
        select(func.count())
        .select_from(favorites)
        .join(Article, Article.id == favorites.c.article_id)
        .where(Article.author_id == User.id, published)
        .correlate(User)
        .scalar_subquery()
        .label("favorites_count")
    )
    rank = articles_count if order_by is AuthorOrder.ARTICLES else favorites_count
    return (
        select(User.id, User.username, User.bio, User.image, articles_count, favorites_count)
        .where(User.id.in_(_authors_with_at_least(min_articles, published)))
        .order_by(rank.desc(), User.username)
        .limit(limit)
        .offset(offset)
    )


def ranked_count_statement(min_articles: int) -> Select[int]:
    """How many authors reach the threshold, whatever the page."""
    qualifying = _authors_with_at_least(min_articles, Article.published_now()).subquery()
    return select(func.count()).select_from(qualifying)


def rank_authors(
    reads: Reads, min_articles: int, order_by: AuthorOrder, *, limit: int, offset: int
) -> AuthorsPage:
    """A page of ranked authors and their total: two statements for any page size."""
    statement = ranking_statement(min_articles, order_by, limit=limit, offset=offset)
    authors = [RankedAuthor(*row) for row in read_rows(reads, statement)]
    total = read_rows(reads, ranked_count_statement(min_articles)).scalar() or 0
    return AuthorsPage(authors, total)
