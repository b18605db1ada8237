"""/api/profiles, and /api/authors: authors ranked by what they published."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import TextInPath
from pressroom.api.responses import json_body
from pressroom.db.deps import DbSession
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.profiles import service
from pressroom.profiles.repository import AuthorOrder
from pressroom.profiles.schemas import AuthorsResponse, ProfileResponse, ProfileStatsResponse
from pressroom.users.deps import CurrentUser, reading

router = APIRouter(prefix=API_PREFIX, tags=["profiles"])

PAGE_MAX = 100
MinArticles = Annotated[
    int,
    Query(
        alias="minArticles",
        ge=0,
        le=INTEGER_MAX,
        description="Fewest published articles an author needs to be listed; 0 lists everyone.",
    ),
]
OrderBy = Annotated[
    AuthorOrder,
    Query(alias="orderBy", description="Rank by published articles or by favorites received."),
]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=INTEGER_MAX, description="Authors to skip.")]


@router.get(
    "/profiles/{username}",
    response_model=ProfileResponse,
    responses=errors(401, 404),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def get_profile(username: TextInPath, request: Request) -> Response:
    """A user's public profile."""
    async with reading(request) as reader:
        profile = await service.get_profile(reader.connection, username, reader.viewer_id)
    return json_body({"profile": profile.model_dump()})


@router.post(
    "/profiles/{username}/follow", response_model=ProfileResponse, responses=errors(401, 404)
)
async def follow(username: TextInPath, viewer: CurrentUser, session: DbSession) -> ProfileResponse:
    """Follow a user (following twice is harmless)."""
    return ProfileResponse(profile=await service.follow(session, username, viewer))


@router.delete(
    "/profiles/{username}/follow", response_model=ProfileResponse, responses=errors(401, 404)
)
async def unfollow(
    username: TextInPath, viewer: CurrentUser, session: DbSession
) -> ProfileResponse:
    """Stop following a user."""
    return ProfileResponse(profile=await service.unfollow(session, username, viewer))


@router.get(
    "/profiles/{username}/stats",
    response_model=ProfileStatsResponse,
    responses=errors(401, 404),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def get_stats(username: TextInPath, request: Request) -> ProfileStatsResponse:
    """An author's statistics; anyone may read them. Draft and scheduled counts are null
    for everyone but the author."""
    async with reading(request) as reader:
        stats = await service.get_stats(reader.connection, username, reader.viewer_id)
    return ProfileStatsResponse(stats=stats)


@router.get(
    "/authors",
    response_model=AuthorsResponse,
    responses=errors(401),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def list_authors(
    request: Request,
    min_articles: MinArticles = 1,
    order_by: OrderBy = AuthorOrder.ARTICLES,
    limit: Limit = 20,
    offset: Offset = 0,
) -> AuthorsResponse:
    """Authors with their published articles and the favorites those received.

    Ranked by the chosen count, most first, ties by username. Drafts and scheduled
    articles count for nothing, so an author with only those is listed only with
    `minArticles=0`.
    """
    async with reading(request) as reader:
        return await service.list_authors(
            reader.connection,
            reader.viewer_id,
            min_articles=min_articles,
            order_by=order_by,
            limit=limit,
            offset=offset,
        )
