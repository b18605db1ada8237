"""Commenting: readers of an article may comment; only a comment's author may delete it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.articles import service as articles
from pressroom.comments import repository
from pressroom.comments.schemas import CommentOut
from pressroom.errors import Forbidden, NotFound
from pressroom.kit.timefmt import iso_ms
from pressroom.models import Comment, User
from pressroom.profiles import repository as profiles
from pressroom.profiles.schemas import Profile


async def _present(
    session: AsyncSession, comments: Sequence[Comment], viewer: User | None
) -> list[CommentOut]:
    followed = await profiles.followed_among(
        session, viewer.id if viewer else None, {c.author_id for c in comments}
    )
    return [
        CommentOut(
            id=c.id,
            createdAt=iso_ms(c.created_at),
            updatedAt=iso_ms(c.updated_at),
            body=c.body,
            author=Profile.of(c.author, following=c.author_id in followed),
        )
        for c in comments
    ]


async def list_comments(session: AsyncSession, slug: str, viewer: User | None) -> list[CommentOut]:
    article = await articles.visible_article(session, slug, viewer)
    return await _present(session, await repository.list_for_article(session, article.id), viewer)


async def add_comment(session: AsyncSession, slug: str, body: str, viewer: User) -> CommentOut:
    article = await articles.visible_article(session, slug, viewer)
    comment = Comment(body=body, article_id=article.id, author=viewer)
    session.add(comment)
    await session.flush()
    return (await _present(session, [comment], viewer))[0]


async def delete_comment(session: AsyncSession, slug: str, comment_id: int, viewer: User) -> None:
    article = await articles.visible_article(session, slug, viewer)
    comment = await repository.get_on_article(session, article.id, comment_id)
    if comment is None:
        raise NotFound("comment", "not found")
    if comment.author_id != viewer.id:
        raise Forbidden("comment", "forbidden")
    await repository.delete_comment(session, comment.id)
