"""Every statement about single articles and favorites (pages of them: see ``listing``)."""

from __future__ import annotations

from sqlalchemy import (
    Select,
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from pressroom.db.dialects import insert_once
from pressroom.models import Article, favorites


def by_slug_statement(slug: str) -> Select[Article]:
    return select(Article).options(joinedload(Article.author)).where(Article.slug == slug)


async def get_by_slug(session: AsyncSession, slug: str) -> Article | None:
    return await session.scalar(by_slug_statement(slug))


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
