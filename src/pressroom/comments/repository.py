"""Every statement about comments."""

from __future__ import annotations

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from pressroom.models import Comment


def for_article_statement(article_id: int) -> Select[Comment]:
    """An article's comments, oldest first, with their authors joined in."""
    return (
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.article_id == article_id)
        .order_by(Comment.created_at, Comment.id)
    )


async def list_for_article(session: AsyncSession, article_id: int) -> list[Comment]:
    return list(await session.scalars(for_article_statement(article_id)))


async def get_on_article(session: AsyncSession, article_id: int, comment_id: int) -> Comment | None:
    return await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.article_id == article_id)
    )


async def delete_comment(session: AsyncSession, comment_id: int) -> None:
    await session.execute(delete(Comment).where(Comment.id == comment_id))
