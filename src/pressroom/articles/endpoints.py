"""/api/articles: lists, the feed, single articles and favorites."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN, SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import TEXT_PARAMETER, TextInPath
from pressroom.api.responses import json_body
from pressroom.articles import service
from pressroom.articles.listing import ArticleFilter
from pressroom.articles.schemas import (
    PAGE_MAX,
    ArticleResponse,
    ArticlesResponse,
    NewArticleRequest,
    PublishRequest,
    UpdateArticleRequest,
)
from pressroom.db.deps import DbSession
from pressroom.kit.pagination import INTEGER_MAX, MAX_CURSOR_LENGTH
from pressroom.models.articles import ArticleStatus
from pressroom.users.deps import CurrentUser, reading

router = APIRouter(prefix=API_PREFIX, tags=["articles"])

Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=INTEGER_MAX, description="Articles to skip.")]
Name = Annotated[str | None, Query(max_length=255, json_schema_extra=TEXT_PARAMETER)]
SEARCH_MAX = 200
Search = Annotated[
    str | None,
    Query(
        max_length=SEARCH_MAX,
        json_schema_extra=TEXT_PARAMETER,
        description="Full-text search over title, description and body, most relevant first: "
        'words are all required, `"a phrase"`, `OR`, `-excluded`.',
    ),
]
Cursor = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        json_schema_extra={"pattern": "^[A-Za-z0-9_-]*$"},
        description="`nextCursor` of the previous page.",
    ),
]


@router.get(
    "/articles",
    response_model=ArticlesResponse,
    responses=errors(401),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def list_articles(
    request: Request,
    tag: Name = None,
    author: Name = None,
    favorited: Name = None,
    limit: Limit = 20,
    offset: Offset = 0,
    cursor: Cursor = None,
    q: Search = None,
) -> Response:
    """Published articles, newest first, filtered by tag, author or who favorited them.

    With ``q``, only those matching the search, most relevant first.
    """
    query = q.strip() if q else None
    criteria = ArticleFilter(tag=tag, author=author, favorited_by=favorited, query=query or None)
    async with reading(request) as reader:
        page = await service.list_articles(
            reader.connection, criteria, reader.viewer_id, limit=limit, offset=offset, cursor=cursor
        )
    return json_body(page)


@router.get(
    "/articles/feed",
    response_model=ArticlesResponse,
    responses=errors(401),
    openapi_extra=SIGNED_IN,
)
async def feed(
    request: Request, limit: Limit = 20, offset: Offset = 0, cursor: Cursor = None
) -> Response:
    """Articles by the authors the signed-in user follows, newest first."""
    async with reading(request) as reader:
        viewer_id = reader.signed_in()
        criteria = ArticleFilter(feed_of=viewer_id)
        page = await service.list_articles(
            reader.connection, criteria, viewer_id, limit=limit, offset=offset, cursor=cursor
        )
    return json_body(page)


@router.post(
    "/articles",
    status_code=status.HTTP_201_CREATED,
    response_model=ArticleResponse,
    responses=errors(401),
)
async def create_article(
    body: NewArticleRequest, session: DbSession, viewer: CurrentUser
) -> Response:
    """Write an article; duplicate titles get distinct slugs."""
    article = await service.create_article(session, body.article, viewer)
    return json_body({"article": article}, status_code=status.HTTP_201_CREATED)


@router.get(
    "/articles/{slug}",
    response_model=ArticleResponse,
    responses=errors(401, 404),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def get_article(slug: TextInPath, request: Request) -> Response:
    """One article, with its body."""
    async with reading(request) as reader:
        article = await service.get_article(reader.connection, slug, reader.viewer_id)
    return json_body({"article": article})


@router.put(
    "/articles/{slug}", response_model=ArticleResponse, responses=errors(401, 403, 404, 409)
)
async def update_article(
    slug: TextInPath, body: UpdateArticleRequest, session: DbSession, viewer: CurrentUser
) -> Response:
    """Change an article (its author only)."""
    return json_body({"article": await service.update_article(session, slug, body.article, viewer)})


@router.delete(
    "/articles/{slug}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
async def delete_article(slug: TextInPath, session: DbSession, viewer: CurrentUser) -> Response:
    """Delete an article and its comments (its author only)."""
    await service.delete_article(session, slug, viewer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/articles/{slug}/favorite", response_model=ArticleResponse, responses=errors(401, 404)
)
async def favorite(slug: TextInPath, session: DbSession, viewer: CurrentUser) -> Response:
    """Favorite an article (twice is harmless)."""
    return json_body({"article": await service.favorite(session, slug, viewer)})


@router.delete(
    "/articles/{slug}/favorite", response_model=ArticleResponse, responses=errors(401, 404)
)
async def unfavorite(slug: TextInPath, session: DbSession, viewer: CurrentUser) -> Response:
    """Take a favorite back."""
    return json_body({"article": await service.unfavorite(session, slug, viewer)})


@router.post(
    "/articles/{slug}/publish", response_model=ArticleResponse, responses=errors(401, 403, 404, 409)
)
async def publish(
    slug: TextInPath, session: DbSession, viewer: CurrentUser, body: PublishRequest | None = None
) -> Response:
    """Publish an article now, or schedule it with ``publishAt`` (its author only)."""
    at = body.publishAt if body else None
    return json_body({"article": await service.publish(session, slug, viewer, at)})


@router.post(
    "/articles/{slug}/unpublish",
    response_model=ArticleResponse,
    responses=errors(401, 403, 404, 409),
)
async def unpublish(slug: TextInPath, session: DbSession, viewer: CurrentUser) -> Response:
    """Turn an article back into a draft (its author only)."""
    return json_body({"article": await service.unpublish(session, slug, viewer)})


@router.get("/user/articles", response_model=ArticlesResponse, responses=errors(401))
async def my_articles(
    session: DbSession,
    viewer: CurrentUser,
    status: ArticleStatus | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
    cursor: Cursor = None,
) -> Response:
    """The signed-in author's own articles: drafts, scheduled and published."""
    return json_body(
        await service.list_own(session, viewer, status, limit=limit, offset=offset, cursor=cursor)
    )
