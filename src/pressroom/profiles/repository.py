"""Every statement about follows and author statistics."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.dialects import insert_once
from pressroom.models import Article, Comment, favorites, follows


async def followed_among(
    session: AsyncSession, follower_id: int | None, candidate_ids: Collection[int]
) -> set[int]:
    """Which of ``candidate_ids`` the follower follows: one statement for a whole page."""
    if follower_id is None or not candidate_ids:
        return set()
    rows = await session.scalars(
        select(follows.c.followee_id).where(
            follows.c.follower_id == follower_id, follows.c.followee_id.in_(set(candidate_ids))
        )
    )
    return set(rows)


async def is_following(session: AsyncSession, follower_id: int, followee_id: int) -> bool:
    statement = select(
        exists().where(follows.c.follower_id == follower_id, follows.c.followee_id == followee_id)
    )
    return bool(await session.scalar(statement))


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


async def author_stats(session: AsyncSession, author_id: int) -> AuthorStats:
    """The author's statistics in one statement."""
    row = (await session.execute(stats_statement(author_id))).one()
    return AuthorStats(*row)
