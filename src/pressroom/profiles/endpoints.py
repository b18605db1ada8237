"""/api/profiles, and /api/authors: authors ranked by what they published."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import TextInPath
from pressroom.api.query import QueryString
from pressroom.api.responses import json_body
from pressroom.db.deps import DbSession
from pressroom.profiles import service
from pressroom.profiles.schemas import (
    AuthorsQuery,
    AuthorsResponse,
    ProfileResponse,
    ProfileStatsResponse,
)
from pressroom.users.deps import CurrentUser, reading

router = APIRouter(prefix=API_PREFIX, tags=["profiles"])

_AUTHORS_QUERY = QueryString(AuthorsQuery)


@router.get(
    "/profiles/{username}",
    response_model=ProfileResponse,
    responses=errors(401, 404),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def get_profile(username: TextInPath, request: Request) -> Response:
    """A user's public profile."""
    profile = await reading(
        request, lambda reader: service.get_profile(reader.connection, username, reader.viewer_id)
    )
    return json_body({"profile": profile.model_dump()})


@router.post(
    "/profiles/{username}/follow", response_model=ProfileResponse, responses=errors(401, 404, 422)
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
    stats = await reading(
        request, lambda reader: service.get_stats(reader.connection, username, reader.viewer_id)
    )
    return ProfileStatsResponse(stats=stats)


@router.get(
    "/authors",
    response_model=AuthorsResponse,
    responses=errors(401, 422),
    openapi_extra=SIGNED_IN_OR_NOT | _AUTHORS_QUERY.openapi(),
)
async def list_authors(request: Request) -> AuthorsResponse:
    """Authors with their published articles and the favorites those received.

    Ranked by the chosen count, most first, ties by username. Drafts and scheduled
    articles count for nothing, so an author with only those is listed only with
    `minArticles=0`.
    """
    asked = _AUTHORS_QUERY.read(request)
    return await reading(
        request,
        lambda reader: service.list_authors(
            reader.connection,
            reader.viewer_id,
            min_articles=asked.minArticles,
            order_by=asked.orderBy,
            limit=asked.limit,
            offset=asked.offset,
        ),
    )
