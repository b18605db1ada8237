"""Profile bodies."""

from __future__ import annotations

from pydantic import BaseModel

from pressroom.models import User


class Profile(BaseModel):
    username: str
    bio: str | None
    image: str | None
    following: bool

    @classmethod
    def of(cls, user: User, *, following: bool) -> Profile:
        return cls(username=user.username, bio=user.bio, image=user.image, following=following)


class ProfileResponse(BaseModel):
    profile: Profile
