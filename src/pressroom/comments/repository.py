"""Every statement about comments."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, bindparam, delete, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pressroom.models import Comment, User, follows


@lru_cache(maxsize=2)
def for_article_statement(signed_in: bool) -> Select[Any]:
    """An article's comments, oldest first: exactly the columns shown, with the author's,
    and whether the viewer follows each author. Built once, run with parameters."""
    following: ColumnElement[bool] = false()
    if signed_in:
        following = exists().where(
            follows.c.follower_id == bindparam("viewer_id", type_=Integer),
            follows.c.followee_id == Comment.author_id,
        )
    columns: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = [
        Comment.id,
        Comment.created_at,
        Comment.updated_at,
        Comment.body,
        User.username,
        User.bio,
        User.image,
        following.label("following"),
    ]
    return (
        select(*columns)
        .join(User, User.id == Comment.author_id)
        .where(Comment.article_id == bindparam("article_id", type_=Integer))
        .order_by(Comment.created_at, Comment.id)
    )


async def list_for_article(
    session: AsyncSession, article_id: int, viewer_id: int | None
) -> Sequence[Row[Any]]:
    """One statement for any number of comments."""
    values: dict[str, Any] = {"article_id": article_id}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id
    statement = for_article_statement(viewer_id is not None)
    rows: Sequence[Row[Any]] = (await session.execute(statement, values)).all()
    return rows


async def get_on_article(session: AsyncSession, article_id: int, comment_id: int) -> Comment | None:
    return await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.article_id == article_id)
    )


async def delete_comment(session: AsyncSession, comment_id: int) -> None:
    await session.execute(delete(Comment).where(Comment.id == comment_id))
