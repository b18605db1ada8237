"""Writing, reading and favoriting articles: the rules; the edge commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.articles import repository
from pressroom.articles.repository import ArticleFilter
from pressroom.articles.schemas import ArticleOut, ArticleSummary, NewArticle, UpdateArticle
from pressroom.errors import Forbidden, NotFound
from pressroom.kit.clock import utc_now
from pressroom.kit.slugs import slugify
from pressroom.kit.timefmt import iso_ms
from pressroom.models import Article, User
from pressroom.models.articles import unique_slug
from pressroom.profiles import repository as profiles
from pressroom.profiles.schemas import Profile
from pressroom.tags import repository as tags


async def present(
    session: AsyncSession, articles: Sequence[Article], viewer: User | None
) -> list[ArticleOut]:
    """Articles with their tags, favorites and author, in three statements for any number."""
    ids = [article.id for article in articles]
    viewer_id = viewer.id if viewer else None
    tag_names = await tags.names_by_article(session, ids)
    stats = await repository.favorite_stats(session, ids, viewer_id)
    followed = await profiles.followed_among(
        session, viewer_id, {article.author_id for article in articles}
    )
    return [
        ArticleOut(
            slug=article.slug,
            title=article.title,
            description=article.description,
            body=article.body,
            tagList=tag_names.get(article.id, []),
            createdAt=iso_ms(article.created_at),
            updatedAt=iso_ms(article.updated_at),
            favorited=stats.get(article.id, (0, False))[1],
            favoritesCount=stats.get(article.id, (0, False))[0],
            author=Profile.of(article.author, following=article.author_id in followed),
        )
        for article in articles
    ]


async def list_articles(
    session: AsyncSession, criteria: ArticleFilter, viewer: User | None, *, limit: int, offset: int
) -> tuple[list[ArticleSummary], int]:
    articles, total = await repository.list_page(session, criteria, limit=limit, offset=offset)
    full = await present(session, articles, viewer)
    summaries = [ArticleSummary(**item.model_dump(exclude={"body"})) for item in full]
    return summaries, total


async def visible_article(session: AsyncSession, slug: str, viewer: User | None) -> Article:
    article = await repository.get_by_slug(session, slug)
    # Drafts and scheduled articles exist only for their author.
    if article is None or not (article.is_published or (viewer and viewer.id == article.author_id)):
        raise NotFound("article", "not found")
    return article


async def _own(session: AsyncSession, slug: str, viewer: User) -> Article:
    article = await visible_article(session, slug, viewer)
    if article.author_id != viewer.id:
        raise Forbidden("article", "forbidden")
    return article


async def get_article(session: AsyncSession, slug: str, viewer: User | None) -> ArticleOut:
    article = await visible_article(session, slug, viewer)
    return (await present(session, [article], viewer))[0]


async def create_article(session: AsyncSession, data: NewArticle, author: User) -> ArticleOut:
    article = Article(
        title=data.title,
        description=data.description,
        body=data.body,
        author=author,
        published_at=utc_now(),
    )
    session.add(article)
    await session.flush()  # the slug is chosen before insert
    await tags.add_links(session, article.id, await tags.ensure_ids(session, data.tagList or []))
    return (await present(session, [article], author))[0]


async def update_article(
    session: AsyncSession, slug: str, data: UpdateArticle, viewer: User
) -> ArticleOut:
    article = await _own(session, slug, viewer)
    old_title = article.title
    for field, value in data.model_dump(exclude_unset=True, exclude={"tagList"}).items():
        if value is not None:
            setattr(article, field, value)
    # A new title gets a new slug, unless it reads the same (the old slug is this article's).
    if article.title != old_title and slugify(article.title) != article.slug:
        article.slug = await session.run_sync(
            lambda sync: unique_slug(sync.connection(), article.title)
        )
    article.updated_at = utc_now()
    await session.flush()
    if data.tagList is not None:
        await tags.replace_links(session, article.id, await tags.ensure_ids(session, data.tagList))
    return (await present(session, [article], viewer))[0]


async def delete_article(session: AsyncSession, slug: str, viewer: User) -> None:
    article = await _own(session, slug, viewer)
    await repository.delete_article(session, article.id)


async def favorite(session: AsyncSession, slug: str, viewer: User) -> ArticleOut:
    article = await visible_article(session, slug, viewer)
    await repository.add_favorite(session, viewer.id, article.id)
    return (await present(session, [article], viewer))[0]


async def unfavorite(session: AsyncSession, slug: str, viewer: User) -> ArticleOut:
    article = await visible_article(session, slug, viewer)
    await repository.remove_favorite(session, viewer.id, article.id)
    return (await present(session, [article], viewer))[0]
