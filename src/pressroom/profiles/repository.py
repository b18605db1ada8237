"""Every statement about follows."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.dialects import insert_once
from pressroom.models import follows


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
