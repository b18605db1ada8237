"""Writing, publishing and favoriting articles: the rules; the edge commits. What the
writes answer, and the reads, are in ``pressroom.articles.reads``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from pressroom.articles import counters, repository
from pressroom.articles.counters import Release
from pressroom.articles.reads import ArticleJSON, Rendered, present, visible_article, visible_to
from pressroom.articles.schemas import NewArticle, UpdateArticle
from pressroom.errors import Conflict, Forbidden, Invalid, NotFound
from pressroom.kit.clock import utc_now
from pressroom.kit.slugs import slugify, with_suffix
from pressroom.kit.timefmt import iso_ms
from pressroom.models import Article, User
from pressroom.models.articles import ArticleStatus, unique_slug
from pressroom.tags import repository as tags

STALE = "was changed by someone else since you loaded it; reload it and try again"


def _published_now_or_kept(current: datetime | None) -> datetime:
    """Publishing now: a published article keeps its time, so it keeps its place in the
    lists; a draft or a scheduled one is published from now."""
    now = utc_now()
    return current if current is not None and current <= now else now


def _publication_time(
    data: NewArticle | UpdateArticle, current: datetime | None
) -> datetime | None:
    """``published_at`` after a create or update asking for ``status`` / ``publishAt``."""
    if data.status is ArticleStatus.DRAFT:
        if data.publishAt is not None:
            raise Invalid("publishAt", "cannot go with status draft")
        return None
    if data.publishAt is not None:
        # A status given with a time must agree with it, or one of them is a mistake.
        if data.status is ArticleStatus.PUBLISHED and data.publishAt > utc_now():
            raise Invalid("publishAt", "cannot be in the future with status published")
        if data.status is ArticleStatus.SCHEDULED and data.publishAt <= utc_now():
            raise Invalid("publishAt", "must be in the future with status scheduled")
        return data.publishAt
    if data.status is ArticleStatus.SCHEDULED:
        raise Invalid("publishAt", "can't be blank")
    if data.status is ArticleStatus.PUBLISHED:
        return _published_now_or_kept(current)
    return current


async def _own(session: AsyncSession, slug: str, viewer: User) -> Article:
    """The viewer's own article, to change; NotFound if they may not see it, else Forbidden
    if it is someone else's."""
    article = await repository.get_by_slug(session, slug)
    if article is None or not visible_to(article.published_at, article.author_id, viewer.id):
        raise NotFound("article", "not found")
    if article.author_id != viewer.id:
        raise Forbidden("article", "forbidden")
    return article


async def get_own_article(session: AsyncSession, slug: str, viewer: User) -> ArticleJSON:
    """An article as its author sees it to edit it; anyone else is refused."""
    return await present(session, (await _own(session, slug, viewer)).id, viewer)


async def create_article(session: AsyncSession, data: NewArticle, author: User) -> ArticleJSON:
    rendered = await Rendered.of(data.body)
    now = utc_now()
    article = Article(
        title=data.title,
        description=data.description,
        body=data.body,
        author_id=author.id,
        # One clock reading: an article published at once is published as it is created.
        created_at=now,
        # The spec's plain request publishes at once.
        published_at=_publication_time(data, now),
    )
    await _insert_with_a_free_slug(session, article)
    tag_ids = await tags.ensure_ids(session, data.tagList or [])
    await counters.move(session, counters.NOTHING, Release.of(article.published_at, tag_ids))
    await tags.add_links(session, article.id, tag_ids, article.published_at)
    return await present(session, article.id, author, rendered)


SLUG_ATTEMPTS = 5


async def _under_a_free_slug(
    session: AsyncSession, title: str, slug: str, write: Callable[[str], Awaitable[object]]
) -> str:
    """Run ``write(slug)`` in a savepoint; while the slug turns out taken (another request
    got it between the check and the write), try again with a suffixed one. Returns the
    slug written."""
    for attempt in range(SLUG_ATTEMPTS):
        try:
            async with session.begin_nested():
                await write(slug)
            return slug
        except IntegrityError as error:
            if "slug" not in str(error.orig) or attempt == SLUG_ATTEMPTS - 1:
                raise
            slug = with_suffix(slugify(title))
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _insert_with_a_free_slug(session: AsyncSession, article: Article) -> None:
    """Insert the article under a free slug (the first chosen before the insert, see
    ``unique_slug``)."""

    async def insert(slug: str) -> None:
        article.slug = slug
        session.add(article)
        await session.flush()

    await _under_a_free_slug(session, article.title, article.slug, insert)


async def _move_to_a_free_slug(session: AsyncSession, article: Article) -> None:
    """Give a retitled article a free slug for its new title."""
    free = await session.run_sync(lambda sync: unique_slug(sync.connection(), article.title))

    async def move(slug: str) -> object:
        return await session.execute(
            update(Article)
            .where(Article.id == article.id)
            # The same updated_at: without it, the column's onupdate would move it.
            .values(slug=slug, updated_at=article.updated_at)
            .execution_options(synchronize_session=False)
        )

    set_committed_value(
        article, "slug", await _under_a_free_slug(session, article.title, free, move)
    )


async def update_article(
    session: AsyncSession, slug: str, data: UpdateArticle, viewer: User
) -> ArticleJSON:
    article = await _own(session, slug, viewer)
    stale_version = data.version is not None and data.version != article.version
    stale_time = data.updatedAt is not None and iso_ms(data.updatedAt) != iso_ms(article.updated_at)
    if stale_version or stale_time:
        raise Conflict("article", STALE)
    old_title = article.title
    was_published_at = article.published_at
    article.published_at = _publication_time(data, article.published_at)
    changes = data.model_dump(exclude_unset=True, include={"title", "description", "body"})
    for field, value in changes.items():
        if value is not None:
            setattr(article, field, value)  # the same value again is no change
    retagging = None if data.tagList is None else await _retagging(session, article, data.tagList)
    rendered = await Rendered.of(article.body)
    if not session.is_modified(article) and (retagging is None or not retagging.changes):
        # Nothing to write: the version and updatedAt that other editors hold stay current,
        # so an edit saved twice costs nobody a conflict.
        return await present(session, article.id, viewer, rendered)
    article.updated_at = utc_now()
    await _flush_or_stale(session)
    # A new title gets a new slug, unless it reads the same: the slug is already made from
    # it, or from a title with the same words (another case, other punctuation).
    new_base = slugify(article.title)
    if article.title != old_title and new_base not in (article.slug, slugify(old_title)):
        await _move_to_a_free_slug(session, article)
    await _follow_tags_and_counts(session, article, was_published_at, retagging)
    return await present(session, article.id, viewer, rendered)


@dataclass(frozen=True)
class _Retagging:
    """An article's tags and the ones an update asks for, read before anything is written."""

    old_ids: list[int]
    names: list[str]
    known: dict[str, int]  # the ids of those of ``names`` that are tags already

    @property
    def changes(self) -> bool:
        return len(self.known) < len(self.names) or set(self.known.values()) != set(self.old_ids)


async def _retagging(session: AsyncSession, article: Article, names: list[str]) -> _Retagging:
    old_ids = await counters.tag_ids_of(session, article.id)
    return _Retagging(old_ids, names, await tags.known_ids(session, names))


async def _follow_tags_and_counts(
    session: AsyncSession,
    article: Article,
    was_published_at: datetime | None,
    retagging: _Retagging | None,
) -> None:
    """After an article's publication time or tags changed: its tag links (and the time
    they carry) and the released counts, counts first (see ``counters``)."""
    moved = was_published_at != article.published_at
    if retagging is None and not moved:
        return
    if retagging is None:
        old_tag_ids = new_tag_ids = await counters.tag_ids_of(session, article.id)
    else:
        old_tag_ids = retagging.old_ids
        new_tag_ids = await tags.ensure_ids(session, retagging.names, retagging.known)
    await counters.move(
        session,
        Release.of(was_published_at, old_tag_ids),
        Release.of(article.published_at, new_tag_ids),
    )
    if retagging is not None:
        await tags.replace_links(session, article.id, new_tag_ids, article.published_at)
    else:
        await tags.retime_links(session, article.id, article.published_at)


async def delete_article(session: AsyncSession, slug: str, viewer: User) -> None:
    article = await _own(session, slug, viewer)
    # Locked first, as every writer locks articles before the counts, and read again as it
    # is now: a delete or an unpublish that got there first has moved the counts itself,
    # and they must not move twice.
    now = await repository.lock_reference(session, article.id)
    if now is None:
        return  # deleted meanwhile: what was asked is done
    if now.published_at is not None:
        tag_ids = await counters.tag_ids_of(session, now.id)
        await counters.move(session, Release.of(now.published_at, tag_ids), counters.NOTHING)
    await repository.delete_article(session, now.id)


async def favorite(session: AsyncSession, slug: str, viewer: User) -> ArticleJSON:
    article = await visible_article(session, slug, viewer, lock=True)
    await counters.add_favorite(session, viewer.id, article.id)
    return await present(session, article.id, viewer)


async def unfavorite(session: AsyncSession, slug: str, viewer: User) -> ArticleJSON:
    article = await visible_article(session, slug, viewer, lock=True)
    await counters.remove_favorite(session, viewer.id, article.id)
    return await present(session, article.id, viewer)


async def _flush_or_stale(session: AsyncSession) -> None:
    # The UPDATE names the version it read: another writer in between makes it match nothing.
    try:
        await session.flush()
    except StaleDataError:
        raise Conflict("article", STALE) from None


async def _set_publication(
    session: AsyncSession,
    slug: str,
    viewer: User,
    published_at: Callable[[datetime | None], datetime | None],
) -> ArticleJSON:
    """Move the article's publication time to ``published_at(the current one)``."""
    article = await _own(session, slug, viewer)
    rendered = await Rendered.of(article.body)
    was_published_at = article.published_at
    article.published_at = published_at(was_published_at)
    if article.published_at == was_published_at:  # published again, say: nothing to write
        return await present(session, article.id, viewer, rendered)
    article.updated_at = utc_now()
    await _flush_or_stale(session)
    await _follow_tags_and_counts(session, article, was_published_at, None)
    return await present(session, article.id, viewer, rendered)


async def publish(
    session: AsyncSession, slug: str, viewer: User, at: datetime | None
) -> ArticleJSON:
    """Publish now (an article published already keeps its time), or schedule for ``at``."""
    if at is None:
        return await _set_publication(session, slug, viewer, _published_now_or_kept)
    return await _set_publication(session, slug, viewer, lambda _: at)


async def unpublish(session: AsyncSession, slug: str, viewer: User) -> ArticleJSON:
    """Back to a draft: invisible to everyone but its author."""
    return await _set_publication(session, slug, viewer, lambda _: None)
