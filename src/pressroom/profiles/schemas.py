"""Profile bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from pressroom.api.query import QueryModel
from pressroom.kit.pagination import INTEGER_MAX, PAGE_MAX
from pressroom.models import User
from pressroom.profiles.repository import AuthorOrder


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


class AuthorsQuery(QueryModel):
    """A page of the authors' ranking, as the query string asks for it."""

    minArticles: Annotated[
        int,
        Field(
            ge=0,
            le=INTEGER_MAX,
            description="Fewest published articles an author needs to be listed; 0 lists everyone.",
        ),
    ] = 1
    orderBy: Annotated[
        AuthorOrder, Field(description="Rank by published articles or by favorites received.")
    ] = AuthorOrder.ARTICLES
    limit: Annotated[int, Field(ge=1, le=PAGE_MAX, description="Page size.")] = 20
    offset: Annotated[int, Field(ge=0, le=INTEGER_MAX, description="Authors to skip.")] = 0
