"""/api/articles: lists, the feed, single articles and favorites."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN, SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import TextInPath
from pressroom.api.query import QueryString
from pressroom.api.responses import json_body
from pressroom.articles import reads, service
from pressroom.articles.listing import ArticleFilter
from pressroom.articles.schemas import (
    ArticleResponse,
    ArticlesQuery,
    ArticlesResponse,
    NewArticleRequest,
    OwnArticlesQuery,
    PageQuery,
    PublishRequest,
    UpdateArticleRequest,
)
from pressroom.db.deps import DbSession
from pressroom.db.rows import read_in
from pressroom.users.deps import CurrentUser, Reading, reading

router = APIRouter(prefix=API_PREFIX, tags=["articles"])

_ARTICLES_QUERY = QueryString(ArticlesQuery)
_FEED_QUERY = QueryString(PageQuery)
_OWN_ARTICLES_QUERY = QueryString(OwnArticlesQuery)


@router.get(
    "/articles",
    response_model=ArticlesResponse,
    responses=errors(401, 422),
    openapi_extra=SIGNED_IN_OR_NOT | _ARTICLES_QUERY.openapi(),
)
async def list_articles(request: Request) -> Response:
    """Published articles, newest first, filtered by tag, author or who favorited them.

    With ``q``, only those matching the search, most relevant first.
    """
    asked = _ARTICLES_QUERY.read(request)
    query = asked.q.strip() if asked.q else None
    criteria = ArticleFilter(
        tag=asked.tag, author=asked.author, favorited_by=asked.favorited, query=query or None
    )
    page = await reading(
        request,
        lambda reader: reads.list_articles(
            reader.connection,
            criteria,
            reader.viewer_id,
            limit=asked.limit,
            offset=asked.offset,
            cursor=asked.cursor,
        ),
    )
    return json_body(page)


@router.get(
    "/articles/feed",
    response_model=ArticlesResponse,
    responses=errors(401, 422),
    openapi_extra=SIGNED_IN | _FEED_QUERY.openapi(),
)
async def feed(request: Request) -> Response:
    """Articles by the authors the signed-in user follows, newest first."""
    asked = _FEED_QUERY.read(request)

    def followed_authors_articles(reader: Reading) -> dict[str, Any]:
        viewer_id = reader.signed_in()
        return reads.list_articles(
            reader.connection,
            ArticleFilter(feed_of=viewer_id),
            viewer_id,
            limit=asked.limit,
            offset=asked.offset,
            cursor=asked.cursor,
        )

    return json_body(await reading(request, followed_authors_articles))


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
    row = await reading(
        request, lambda reader: reads.visible_row(reader.connection, slug, reader.viewer_id)
    )
    return json_body({"article": await reads.in_full(row)})


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


@router.get(
    "/user/articles",
    response_model=ArticlesResponse,
    responses=errors(401, 422),
    openapi_extra=_OWN_ARTICLES_QUERY.openapi(),
)
async def my_articles(request: Request, session: DbSession, viewer: CurrentUser) -> Response:
    """The signed-in author's own articles: drafts, scheduled and published."""
    asked = _OWN_ARTICLES_QUERY.read(request)
    own = await read_in(
        session,
        reads.list_own,
        viewer.id,
        asked.status,
        limit=asked.limit,
        offset=asked.offset,
        cursor=asked.cursor,
    )
    return json_body(own)
