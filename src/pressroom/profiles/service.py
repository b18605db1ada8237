"""Profiles and following."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.errors import Forbidden, NotFound
from pressroom.models import User
from pressroom.profiles import repository
from pressroom.profiles.schemas import Profile
from pressroom.users import repository as users


async def _user(session: AsyncSession, username: str) -> User:
    user = await users.get_by_username(session, username)
    if user is None:
        raise NotFound("profile", "not found")
    return user


async def get_profile(session: AsyncSession, username: str, viewer: User | None) -> Profile:
    user = await _user(session, username)
    following = viewer is not None and await repository.is_following(session, viewer.id, user.id)
    return Profile.of(user, following=following)


async def follow(session: AsyncSession, username: str, viewer: User) -> Profile:
    user = await _user(session, username)
    if user.id == viewer.id:
        raise Forbidden("profile", "cannot follow yourself")
    await repository.follow(session, viewer.id, user.id)
    return Profile.of(user, following=True)


async def unfollow(session: AsyncSession, username: str, viewer: User) -> Profile:
    user = await _user(session, username)
    await repository.unfollow(session, viewer.id, user.id)
    return Profile.of(user, following=False)
