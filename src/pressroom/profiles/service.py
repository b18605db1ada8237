"""Profiles, following, author statistics and the ranking of authors."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.rows import Reads
from pressroom.errors import Invalid, NotFound
from pressroom.kit.timefmt import iso_ms
from pressroom.models import User
from pressroom.profiles import repository
from pressroom.profiles.repository import AuthorOrder
from pressroom.profiles.schemas import AuthorProfile, AuthorsResponse, Profile, ProfileStats
from pressroom.users import repository as users


async def _user(session: AsyncSession, username: str) -> User:
    user = await users.get_by_username(session, username)
    if user is None:
        raise NotFound("profile", "not found")
    return user


def get_profile(reads: Reads, username: str, viewer_id: int | None) -> Profile:
    """A profile, and whether the viewer follows it, in one statement."""
    row = repository.profile_row(reads, username, viewer_id)
    if row is None:
        raise NotFound("profile", "not found")
    username, bio, image, following = row  # by position: a name costs a lookup each
    return Profile(username=username, bio=bio, image=image, following=following)


async def follow(session: AsyncSession, username: str, viewer: User) -> Profile:
    user = await _user(session, username)
    if user.id == viewer.id:
        # The spec's refusals for a follow are 401, 404 and 422: this is a request that
        # cannot be carried out, not one for something that belongs to someone else.
        raise Invalid("profile", "cannot follow yourself")
    await repository.follow(session, viewer.id, user.id)
    return Profile.of(user, following=True)


async def unfollow(session: AsyncSession, username: str, viewer: User) -> Profile:
    user = await _user(session, username)
    await repository.unfollow(session, viewer.id, user.id)
    return Profile.of(user, following=False)


def get_stats(reads: Reads, username: str, viewer_id: int | None) -> ProfileStats:
    """An author's statistics: two statements (the user, then every aggregate at once).

    Favorites and comments are counted on published articles only, whoever gave them.
    Draft and scheduled counts are the author's own business, like the articles: anyone
    else gets null.
    """
    user = users.id_and_username(reads, username)
    if user is None:
        raise NotFound("profile", "not found")
    user_id, username = user
    stats = repository.author_stats(reads, user_id)
    first, last = stats.first_published_at, stats.last_published_at
    own = viewer_id == user_id
    return ProfileStats(
        username=username,
        publishedCount=stats.published,
        draftCount=stats.drafts if own else None,
        scheduledCount=stats.scheduled if own else None,
        favoritesReceived=stats.favorites_received,
        commentsReceived=stats.comments_received,
        followers=stats.followers,
        following=stats.following,
        firstPublishedAt=None if first is None else iso_ms(first),
        lastPublishedAt=None if last is None else iso_ms(last),
    )


def list_authors(
    reads: Reads,
    viewer_id: int | None,
    *,
    min_articles: int,
    order_by: AuthorOrder,
    limit: int,
    offset: int,
) -> AuthorsResponse:
    """Authors ranked by published articles or favorites received, in three statements at most.

    The page and its total, then whom the viewer follows among the whole page at once.
    """
    page = repository.rank_authors(reads, min_articles, order_by, limit=limit, offset=offset)
    followed = repository.followed_among(reads, viewer_id, [author.id for author in page.authors])
    return AuthorsResponse(
        authors=[
            AuthorProfile(
                username=author.username,
                bio=author.bio,
                image=author.image,
                following=author.id in followed,
                articlesCount=author.articles,
                favoritesCount=author.favorites,
            )
            for author in page.authors
        ],
        authorsCount=page.total,
    )
