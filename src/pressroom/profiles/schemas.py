"""Profile bodies."""

from __future__ import annotations

from pydantic import BaseModel, Field

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


class AuthorProfile(Profile):
    """A profile with the author's published articles and the favorites they received."""

    articlesCount: int
    favoritesCount: int


class AuthorsResponse(BaseModel):
    authors: list[AuthorProfile]
    authorsCount: int


class ProfileStats(BaseModel):
    username: str
    publishedCount: int
    draftCount: int | None = Field(description="The author's drafts: only they see it.")
    scheduledCount: int | None = Field(
        description="The author's scheduled articles: only they see it."
    )
    favoritesReceived: int
    commentsReceived: int
    followers: int
    following: int
    firstPublishedAt: str | None
    lastPublishedAt: str | None


class ProfileStatsResponse(BaseModel):
    stats: ProfileStats
