"""Every statement about comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    false,
    func,
    null,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pressroom.db.dialects import wire_timestamp
from pressroom.db.rows import Reads, read_rows
from pressroom.models import Article, Comment, User, follows


@dataclass(frozen=True)
class Window:
    """A page of an article's comments, oldest first: ``limit`` of them after ``offset``."""

    limit: int
    offset: int


@lru_cache(maxsize=4)
def for_article_statement(signed_in: bool, paged: bool) -> Select[Any]:
    """An article (by slug) with its comments, oldest first, in one statement: who wrote
    the article and when it was published (to decide who may see the comments), how many
    comments it has, then exactly the comment columns shown (timestamps as the API's text),
    with the author's, and whether the viewer follows each author. An article without
    comments (or a page past its last one) is one row of NULL comment columns; no article,
    no row. Built once per shape, run with parameters.

    A page joins only the comments whose ids its window picks, in a derived table: not
    correlated, and with its LIMIT a level down, as MariaDB wants it inside ``IN``.
    """
    following: ColumnElement[bool] = false()
    if signed_in:
        following = exists().where(
            follows.c.follower_id == bindparam("viewer_id", type_=Integer),
            follows.c.followee_id == Comment.author_id,
        )
    total = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.article_id == Article.id)
        .correlate(Article)  # not the page's own comments, which the outer query joins
        .scalar_subquery()
    )
    # In the order service._comment_of unpacks them.
    columns: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = [
        Article.author_id.label("article_author_id"),
        Article.published_at.label("article_published_at"),
        (total if paged else null()).label("comments_count"),
        Comment.id,
        wire_timestamp(Comment.created_at).label("created_at"),
        wire_timestamp(Comment.updated_at).label("updated_at"),
        Comment.body,
        User.username,
        User.bio,
        User.image,
        following.label("following"),
    ]
    the_article = Article.slug == bindparam("slug", type_=Article.slug.type)
    on_the_article = Comment.article_id == Article.id
    if paged:
        # Looked up by slug on its own: a correlated window would need LATERAL.
        the_article_id = select(Article.id).where(the_article).correlate(None).scalar_subquery()
        window = (
            select(Comment.id)
            .where(Comment.article_id == the_article_id)
            .order_by(Comment.created_at, Comment.id)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
            .subquery("window")
        )
        on_the_article = and_(on_the_article, Comment.id.in_(select(window.c.id)))
    return (
        select(*columns)
        .select_from(Article)
        .outerjoin(Comment, on_the_article)
        .outerjoin(User, User.id == Comment.author_id)
        .where(the_article)
        .order_by(Comment.created_at, Comment.id)
    )


def list_for_article(
    reads: Reads, slug: str, viewer_id: int | None, window: Window | None = None
) -> Sequence[Row[*tuple[Any, ...]]]:
    """One statement for any number of comments (see ``for_article_statement``)."""
    values: dict[str, Any] = {"slug": slug}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id
    if window is not None:
        values |= {"limit": window.limit, "offset": window.offset}
    statement = for_article_statement(viewer_id is not None, window is not None)
    rows: Sequence[Row[*tuple[Any, ...]]] = read_rows(reads, statement, values).all()
    return rows


async def get_on_article(session: AsyncSession, article_id: int, comment_id: int) -> Comment | None:
    return await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.article_id == article_id)
    )


async def delete_comment(session: AsyncSession, comment_id: int) -> None:
    await session.execute(delete(Comment).where(Comment.id == comment_id))
