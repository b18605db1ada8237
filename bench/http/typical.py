"""The typical implementation: S1 and S2 the way a FastAPI + SQLAlchemy async app is
usually written, for pressroom's CPU per request to be read as a multiple of it.

It answers what pressroom answers, on pressroom's tables and ORM models, the way the
RealWorld implementations on this stack and the frameworks' tutorials do it:

- a session per request from a dependency, its transaction begun by the first statement
  and rolled back when the session closes;
- ORM entities with their relationships loaded eagerly, as async code must:
  ``joinedload`` for the author, ``selectinload`` for the tags and for the users who
  favorited each article (``favoritesCount`` is how many there are);
- the page's total in a statement of its own;
- Pydantic response models (camelCase aliases) built from the entities, which FastAPI
  then validates again against the route's ``response_model`` before serializing.

It is given what pressroom is given, so that the comparison measures the code and not the
setup: the same pool (size, no overflow, ``pool_pre_ping``), the same Markdown cache for
``bodyHtml``, and its heap settled after start-up as a pressroom worker's is.

    FLOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/db \\
        .venv/bin/uvicorn typical:app --app-dir bench/http --loop uvloop --http httptools
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query
from fastapi.responses import JSONResponse
from floor import PAGE_DEFAULT, PAGE_MAX
from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import joinedload, selectinload
from stack import POOL_SIZE

from pressroom.articles.rendering import reading_time_minutes, render_markdown_async
from pressroom.kit import heap
from pressroom.kit.pagination import Position, encode_cursor
from pressroom.models import Article, Comment, Tag, User, article_tags

# Milliseconds and a Z, as on pressroom's wire.
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda moment: moment.isoformat(timespec="milliseconds")[:-6] + "Z"),
]


class Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ProfileOut(Schema):
    username: str
    bio: str | None
    image: str | None
    following: bool = False

    @classmethod
    def of(cls, user: User) -> ProfileOut:
        return cls(username=user.username, bio=user.bio, image=user.image)


class ArticleOut(Schema):
    slug: str
    title: str
    description: str
    tag_list: list[str]
    created_at: Timestamp
    updated_at: Timestamp
    favorited: bool = False
    favorites_count: int
    author: ProfileOut
    status: str
    published_at: Timestamp | None
    version: int
    reading_time_minutes: int

    @classmethod
    def of(cls, article: Article) -> ArticleOut:
        return cls(**cls.fields_of(article))

    @staticmethod
    def fields_of(article: Article) -> dict[str, Any]:
        return {
            "slug": article.slug,
            "title": article.title,
            "description": article.description,
            "tag_list": sorted(tag.name for tag in article.tags),
            "created_at": article.created_at,
            "updated_at": article.updated_at,
            "favorites_count": len(article.favorited_by),
            "author": ProfileOut.of(article.author),
            "status": "published" if article.is_published else "scheduled",
            "published_at": article.published_at,
            "version": article.version,
            "reading_time_minutes": reading_time_minutes(article.word_count),
        }


class FullArticleOut(ArticleOut):
    body: str
    body_html: str


class ArticlesOut(Schema):
    articles: list[ArticleOut]
    articles_count: int
    next_cursor: str | None


class ArticleEnvelope(Schema):
    article: FullArticleOut


class CommentOut(Schema):
    id: int
    created_at: Timestamp
    updated_at: Timestamp
    body: str
    author: ProfileOut


class CommentsOut(Schema):
    comments: list[CommentOut]
    comments_count: int


class ProfileEnvelope(Schema):
    profile: ProfileOut


class TagsOut(Schema):
    tags: list[str]


sessions: async_sessionmaker[AsyncSession] | None = None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global sessions
    url = os.environ["FLOOR_DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_async_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=0)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    heap.settle_after_start_up()
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


async def get_db() -> AsyncIterator[AsyncSession]:
    assert sessions is not None
    async with sessions() as session:
        yield session


Db = Annotated[AsyncSession, Depends(get_db)]
Slug = Annotated[str, Path(max_length=255)]


def _not_found(what: str) -> JSONResponse:
    return JSONResponse({"errors": {what: ["not found"]}}, status_code=404)


# What an article's answer shows besides its own columns, loaded with it.
RELATIONS = (
    joinedload(Article.author),
    selectinload(Article.tags),
    selectinload(Article.favorited_by),
)


@app.get("/api/articles", response_model=ArticlesOut)
async def list_articles(
    db: Db,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE_DEFAULT,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ArticlesOut:
    found = await db.scalars(
        select(Article)
        .where(Article.is_published)
        .options(*RELATIONS)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit + 1)
        .offset(offset)
    )
    articles = list(found.unique())
    total = await db.scalar(select(func.count()).select_from(Article).where(Article.is_published))
    shown = articles[:limit]
    cursor = None
    if len(articles) > limit and shown[-1].published_at is not None:
        cursor = encode_cursor(Position(shown[-1].published_at, shown[-1].id))
    return ArticlesOut(
        articles=[ArticleOut.of(article) for article in shown],
        articles_count=total or 0,
        next_cursor=cursor,
    )


@app.get("/api/articles/{slug}", response_model=ArticleEnvelope)
async def get_article(slug: Slug, db: Db) -> ArticleEnvelope | JSONResponse:
    article = await db.scalar(
        select(Article).where(Article.slug == slug, Article.is_published).options(*RELATIONS)
    )
    if article is None:
        return _not_found("article")
    html = await render_markdown_async(article.body)
    fields = ArticleOut.fields_of(article)
    return ArticleEnvelope(article=FullArticleOut(**fields, body=article.body, body_html=html))


@app.get("/api/articles/{slug}/comments", response_model=CommentsOut)
async def list_comments(slug: Slug, db: Db) -> CommentsOut | JSONResponse:
    article_id = await db.scalar(
        select(Article.id).where(Article.slug == slug, Article.is_published)
    )
    if article_id is None:
        return _not_found("article")
    found = await db.scalars(
        select(Comment)
        .where(Comment.article_id == article_id)
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    comments = [
        CommentOut(
            id=comment.id,
            created_at=comment.created_at,
            updated_at=comment.updated_at,
            body=comment.body,
            author=ProfileOut.of(comment.author),
        )
        for comment in found
    ]
    return CommentsOut(comments=comments, comments_count=len(comments))


@app.get("/api/profiles/{username}", response_model=ProfileEnvelope)
async def get_profile(
    username: Annotated[str, Path(max_length=255)], db: Db
) -> ProfileEnvelope | JSONResponse:
    user = await db.scalar(select(User).where(User.username == username))
    if user is None:
        return _not_found("profile")
    return ProfileEnvelope(profile=ProfileOut.of(user))


@app.get("/api/tags", response_model=TagsOut)
async def list_tags(db: Db) -> TagsOut:
    uses = func.count().label("uses")
    found = await db.execute(
        select(Tag.name, uses)
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(Article.is_published)
        .group_by(Tag.id, Tag.name)
        .order_by(uses.desc(), Tag.name)
    )
    return TagsOut(tags=[name for name, _ in found])


@app.get("/api/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
