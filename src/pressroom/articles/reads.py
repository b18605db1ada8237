"""Reading articles: who may see one, and an article or a page of them as the API sends
it, read in one statement each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.articles import listing, repository
from pressroom.articles.listing import ArticleFilter
from pressroom.articles.rendering import reading_time_minutes, render_markdown_async
from pressroom.db.rows import Reads, read_in
from pressroom.errors import Invalid, NotFound
from pressroom.kit.clock import utc_now
from pressroom.kit.pagination import InvalidCursor, Position, decode_cursor, encode_cursor
from pressroom.kit.timefmt import iso_ms
from pressroom.models import User
from pressroom.models.articles import ArticleStatus


def status_of(published_at: datetime | None) -> ArticleStatus:
    if published_at is None:
        return ArticleStatus.DRAFT
    return ArticleStatus.SCHEDULED if published_at > utc_now() else ArticleStatus.PUBLISHED


# An article on the wire, in the shape of ArticleSummary or ArticleOut (see api.responses).
ArticleJSON = dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    """A body and its safe HTML, rendered ahead: by a write, before it locks anything, since
    a long body takes a while to render, and the rows a write locks (the site's count above
    all) keep every other writer waiting until it commits."""

    body: str
    html: str

    @classmethod
    async def of(cls, body: str) -> Rendered:
        return cls(body, await render_markdown_async(body))


async def in_full(row: Row[Any], rendered: Rendered | None = None) -> ArticleJSON:
    """An article row (:func:`listing.article_row`'s) with its Markdown body and that body
    as safe HTML (``ArticleOut``), rendered now unless ``rendered`` holds that very body.
    Rendering needs no database: it comes after the read, its connection back in the pool."""
    article = _summary_of(row)
    body = row[listing.BODY]
    article["body"] = body
    if rendered is not None and rendered.body == body:
        article["bodyHtml"] = rendered.html
    else:
        article["bodyHtml"] = await render_markdown_async(body)
    return article


async def present(
    session: AsyncSession,
    article_id: int,
    viewer: User | None,
    rendered: Rendered | None = None,
) -> ArticleJSON:
    """The article as it now stands in this transaction, read back in one statement."""
    viewer_id = viewer.id if viewer else None
    row = await read_in(session, listing.article_row, article_id=article_id, viewer_id=viewer_id)
    if row is None:
        raise NotFound("article", "not found")
    return await in_full(row, rendered)


def _position(cursor: str | None, *, ranked: bool = False) -> Position | None:
    """Where the previous page stopped; a time in a newest-first list, a rank in a search."""
    if not cursor:
        return None
    try:
        position = decode_cursor(cursor)
    except InvalidCursor:
        raise Invalid("cursor", "is invalid") from None
    if isinstance(position.key, datetime) == ranked:
        raise Invalid("cursor", "belongs to another list")
    return position


def _summary_of(row: Row[Any]) -> ArticleJSON:
    """A list entry (``ArticleSummary``) from its row.

    The row is unpacked by position, in the order of ``listing._summary_columns``: reading
    a row's values by name costs a lookup each, sixteen per article.
    """
    (
        _,
        slug,
        title,
        description,
        word_count,
        created_at,
        updated_at,
        published_at,
        version,
        username,
        bio,
        image,
        tag_names,
        favorites_count,
        favorited,
        following,
    ) = row[: listing.SUMMARY_WIDTH]
    return {
        "slug": slug,
        "title": title,
        "description": description,
        "tagList": sorted(tag_names.split(listing.TAG_SEPARATOR)) if tag_names else [],
        "createdAt": created_at,
        "updatedAt": updated_at,
        "favorited": bool(favorited),
        "favoritesCount": favorites_count,
        "author": {"username": username, "bio": bio, "image": image, "following": bool(following)},
        "status": status_of(published_at).value,
        "publishedAt": iso_ms(published_at) if published_at else None,
        "version": version,
        "readingTimeMinutes": reading_time_minutes(word_count),
    }


def _listing(page: listing.Page) -> dict[str, Any]:
    """A page of articles in the shape of ``ArticlesResponse``."""
    return {
        "articles": [_summary_of(row) for row in page.rows],
        "articlesCount": page.total,
        "nextCursor": encode_cursor(page.next) if page.next else None,
    }


def list_articles(
    reads: Reads,
    criteria: ArticleFilter,
    viewer_id: int | None,
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A page of visible articles, by offset or after a cursor from the previous page."""
    after = _position(cursor, ranked=criteria.ranked)
    page = listing.list_page(
        reads, criteria, viewer_id=viewer_id, limit=limit, offset=offset, after=after
    )
    return _listing(page)


def visible_to(published_at: datetime | None, author_id: int, viewer_id: int | None) -> bool:
    """Whether the viewer may see an article: drafts and scheduled articles exist only for
    their author."""
    return status_of(published_at) is ArticleStatus.PUBLISHED or author_id == viewer_id


async def visible_article(
    session: AsyncSession, slug: str, viewer: User | None, *, lock: bool = False
) -> repository.ArticleReference:
    """The article someone may read (and so favorite or comment on), or NotFound; ``lock``
    takes its row lock (see :func:`repository.get_reference`)."""
    found = await repository.get_reference(session, slug, lock=lock)
    viewer_id = viewer.id if viewer else None
    if found is None or not visible_to(found.published_at, found.author_id, viewer_id):
        raise NotFound("article", "not found")
    return found


def visible_row(reads: Reads, slug: str, viewer_id: int | None) -> Row[Any]:
    """An article's row (see :func:`in_full`), by slug, if the viewer may see it; else
    NotFound."""
    row = listing.article_row(reads, slug=slug, viewer_id=viewer_id)
    # By position, as in _summary_of.
    if row is None or not visible_to(row[listing.PUBLISHED_AT], row[listing.AUTHOR_ID], viewer_id):
        raise NotFound("article", "not found")
    return row


def list_own(
    reads: Reads,
    author_id: int,
    status: ArticleStatus | None,
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    """An author's own articles in any state."""
    page = listing.list_own_page(
        reads, author_id, status, limit=limit, offset=offset, after=_position(cursor)
    )
    return _listing(page)
