"""Commenting: readers of an article may comment; only a comment's author may delete it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.articles import reads as articles
from pressroom.comments import repository
from pressroom.comments.repository import Window
from pressroom.comments.schemas import CommentOut
from pressroom.db.rows import Reads
from pressroom.errors import Forbidden, NotFound
from pressroom.kit.timefmt import iso_ms
from pressroom.models import Comment, User
from pressroom.profiles.schemas import Profile


def _comment_of(row: Row[*tuple[Any, ...]]) -> dict[str, Any]:
    """A comment (``CommentOut``) from its row, unpacked by position in the order of
    ``repository.for_article_statement``: by name, each value would cost a lookup."""
    _, _, _, comment_id, created_at, updated_at, body, username, bio, image, following = row
    return {
        "id": comment_id,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "body": body,
        "author": {"username": username, "bio": bio, "image": image, "following": bool(following)},
    }


@dataclass(frozen=True)
class CommentPage:
    comments: list[dict[str, Any]]  # in the shape of ``CommentOut``
    total: int  # the article's comments, on every page


def list_comments(
    reads: Reads, slug: str, viewer_id: int | None, window: Window | None = None
) -> CommentPage:
    """An article's comments (all, or the ``window`` of them), oldest first, in one
    statement for any number (the article's visibility and the total included)."""
    rows = repository.list_for_article(reads, slug, viewer_id, window)
    if not rows:
        raise NotFound("article", "not found")
    article_author_id, article_published_at, total, first_comment_id = rows[0][:4]
    if not articles.visible_to(article_published_at, article_author_id, viewer_id):
        raise NotFound("article", "not found")
    # No comments (or a page past the last): one row of NULL comment columns.
    comments = [] if first_comment_id is None else [_comment_of(row) for row in rows]
    return CommentPage(comments, len(comments) if window is None else int(total))


async def add_comment(session: AsyncSession, slug: str, body: str, viewer: User) -> CommentOut:
    article = await articles.visible_article(session, slug, viewer)
    comment = Comment(body=body, article_id=article.id, author=viewer)
    session.add(comment)
    await session.flush()
    return CommentOut(
        id=comment.id,
        createdAt=iso_ms(comment.created_at),
        updatedAt=iso_ms(comment.updated_at),
        body=comment.body,
        author=Profile.of(viewer, following=False),  # nobody follows themselves
    )


async def delete_comment(session: AsyncSession, slug: str, comment_id: int, viewer: User) -> None:
    article = await articles.visible_article(session, slug, viewer)
    comment = await repository.get_on_article(session, article.id, comment_id)
    if comment is None:
        raise NotFound("comment", "not found")
    if comment.author_id != viewer.id:
        raise Forbidden("comment", "forbidden")
    await repository.delete_comment(session, comment.id)
