"""/api/profiles."""

from __future__ import annotations

from fastapi import APIRouter

from pressroom.db.deps import DbSession
from pressroom.profiles import service
from pressroom.profiles.schemas import ProfileResponse, ProfileStatsResponse
from pressroom.users.deps import CurrentUser, OptionalUser

router = APIRouter(tags=["profiles"])


@router.get("/profiles/{username}", response_model=ProfileResponse)
async def get_profile(username: str, viewer: OptionalUser, session: DbSession) -> ProfileResponse:
    """A user's public profile."""
    return ProfileResponse(profile=await service.get_profile(session, username, viewer))


@router.post("/profiles/{username}/follow", response_model=ProfileResponse)
async def follow(username: str, viewer: CurrentUser, session: DbSession) -> ProfileResponse:
    """Follow a user (following twice is harmless)."""
    return ProfileResponse(profile=await service.follow(session, username, viewer))


@router.delete("/profiles/{username}/follow", response_model=ProfileResponse)
async def unfollow(username: str, viewer: CurrentUser, session: DbSession) -> ProfileResponse:
    """Stop following a user."""
    return ProfileResponse(profile=await service.unfollow(session, username, viewer))


@router.get("/profiles/{username}/stats", response_model=ProfileStatsResponse)
async def get_stats(username: str, session: DbSession) -> ProfileStatsResponse:
    """An author's statistics; anyone may read them, draft and scheduled counts included."""
    return ProfileStatsResponse(stats=await service.get_stats(session, username))
