"""Every statement about comments."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, bindparam, delete, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pressroom.db.dialects import wire_timestamp
from pressroom.db.rows import Reads, read_rows
from pressroom.models import Article, Comment, User, follows


@lru_cache(maxsize=2)
def for_article_statement(signed_in: bool) -> Select[Any]:
    """An article (by slug) with its comments, oldest first, in one statement: who wrote
    the article and when it was published (to decide who may see the comments), then
    exactly the comment columns shown (timestamps as the API's text), with the author's,
    and whether the viewer follows each author. An article without comments is one row of
    NULL comment columns; no article, no row. Built once, run with parameters."""
    following: ColumnElement[bool] = false()
    if signed_in:
        following = exists().where(
            follows.c.follower_id == bindparam("viewer_id", type_=Integer),
            follows.c.followee_id == Comment.author_id,
        )
    # In the order service._comment_of unpacks them.
    columns: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = [
        Article.author_id.label("article_author_id"),
        Article.published_at.label("article_published_at"),
        Comment.id,
        wire_timestamp(Comment.created_at).label("created_at"),
        wire_timestamp(Comment.updated_at).label("updated_at"),
        Comment.body,
        User.username,
        User.bio,
        User.image,
        following.label("following"),
    ]
    return (
        select(*columns)
        .select_from(Article)
        .outerjoin(Comment, Comment.article_id == Article.id)
        .outerjoin(User, User.id == Comment.author_id)
        .where(Article.slug == bindparam("slug", type_=Article.slug.type))
        .order_by(Comment.created_at, Comment.id)
    )


async def list_for_article(
    reads: Reads, slug: str, viewer_id: int | None
) -> Sequence[Row[*tuple[Any, ...]]]:
    """One statement for any number of comments (see ``for_article_statement``)."""
    values: dict[str, Any] = {"slug": slug}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id
    statement = for_article_statement(viewer_id is not None)
    rows: Sequence[Row[*tuple[Any, ...]]] = (await read_rows(reads, statement, values)).all()
    return rows


async def get_on_article(session: AsyncSession, article_id: int, comment_id: int) -> Comment | None:
    return await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.article_id == article_id)
    )


async def delete_comment(session: AsyncSession, comment_id: int) -> None:
    await session.execute(delete(Comment).where(Comment.id == comment_id))
