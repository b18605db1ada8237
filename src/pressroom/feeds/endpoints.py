"""/feed.xml, /atom.xml, their per-author and per-tag forms, /sitemap.xml and /robots.txt."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from pressroom.api.addresses import site_address
from pressroom.api.errors import errors
from pressroom.api.fields import TextInPath
from pressroom.db.deps import DbSession
from pressroom.errors import NotFound
from pressroom.feeds import documents, repository
from pressroom.feeds.documents import FeedInfo
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.kit.paths import ends_in_feed_name, tag_path

router = APIRouter(tags=["feeds"])

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
SITE = "pressroom"

Endpoint = Callable[..., Any]


class TagFeedRoute(APIRoute):
    """A tag's feed, /tags/{tag}/feed.xml. The path is routed decoded, where the tag
    ``c/feed.xml`` (sent as /tags/c%2Ffeed.xml) reads the same as the feed of the tag ``c``:
    only a slash sent as a slash starts the feed's name; the other is the tag's page."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        raw_path = scope.get("raw_path")
        if raw_path is not None and not ends_in_feed_name(raw_path):
            return Match.NONE, {}
        return super().matches(scope)


def document(
    path: str, *statuses: int, route_class: type[APIRoute] = APIRoute
) -> Callable[[Endpoint], Endpoint]:
    """A feed's route. It answers HEAD too, as every GET route does, which feed
    validators, link checkers and some readers send to ask for the headers alone."""

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            response_class=Response,
            responses=errors(*statuses),
            route_class_override=route_class,
        )
        return endpoint

    return register


def _answer(request: Request, document: bytes, media_type: str) -> Response:
    """The document, or 304 when the reader holds it already. Readers poll feeds often
    and send back the ETag they were given; ``no-cache``: any cache asks again each time,
    so a newly published article is never hidden behind a stored copy."""
    etag = f'"{hashlib.sha256(document).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    held = {
        tag.strip().removeprefix("W/")
        for tag in request.headers.get("if-none-match", "").split(",")
    }
    if etag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    return Response(document, media_type=media_type, headers=headers)


def _site(base: str) -> FeedInfo:
    return FeedInfo(
        title=SITE,
        description=f"The newest articles on {SITE}",
        page=f"{base}/",
        rss=f"{base}/feed.xml",
        atom=f"{base}/atom.xml",
    )


def _author(base: str, username: TextInPath) -> FeedInfo:
    page = documents.author_url(base, username)
    return FeedInfo(
        title=f"{SITE}: articles by {username}",
        description=f"The newest articles by {username} on {SITE}",
        page=page,
        rss=f"{page}/feed.xml",
        atom=f"{page}/atom.xml",
    )


def _tag(base: str, tag: TextInPath) -> FeedInfo:
    page = f"{base}{tag_path(tag)}"
    return FeedInfo(
        title=f"{SITE}: articles tagged {tag}",
        description=f"The newest articles tagged {tag} on {SITE}",
        page=page,
        rss=f"{page}/feed.xml",
        atom=f"{page}/atom.xml",
    )


async def _known_author(session: DbSession, username: TextInPath) -> None:
    if not await repository.author_exists(session, username):
        raise NotFound("profile", "not found")


@document("/feed.xml")
async def site_rss(request: Request, session: DbSession) -> Response:
    """The newest published articles, RSS 2.0."""
    base = site_address(request)
    articles = await repository.newest(session)
    return _answer(request, documents.rss(base, _site(base), articles), RSS_TYPE)


@document("/atom.xml")
async def site_atom(request: Request, session: DbSession) -> Response:
    """The newest published articles, Atom 1.0."""
    base = site_address(request)
    articles = await repository.newest(session)
    return _answer(request, documents.atom(base, _site(base), articles), ATOM_TYPE)


@document("/@{username}/feed.xml", 404)
async def author_rss(request: Request, session: DbSession, username: TextInPath) -> Response:
    """An author's newest published articles, RSS 2.0; 404 for an unknown author."""
    await _known_author(session, username)
    base = site_address(request)
    articles = await repository.newest(session, author=username)
    return _answer(request, documents.rss(base, _author(base, username), articles), RSS_TYPE)


@document("/@{username}/atom.xml", 404)
async def author_atom(request: Request, session: DbSession, username: TextInPath) -> Response:
    """An author's newest published articles, Atom 1.0; 404 for an unknown author."""
    await _known_author(session, username)
    base = site_address(request)
    articles = await repository.newest(session, author=username)
    info = _author(base, username)
    return _answer(request, documents.atom(base, info, articles), ATOM_TYPE)


# {tag:path}: a tag may hold a slash, sent as %2F by the site's links (or as a slash by
# older ones), which the path carries decoded.
@document("/tags/{tag:path}/feed.xml", 404, route_class=TagFeedRoute)
async def tag_rss(request: Request, session: DbSession, tag: TextInPath) -> Response:
    """The newest published articles with a tag, RSS 2.0 (empty for an unused tag)."""
    base = site_address(request)
    articles = await repository.newest(session, tag=tag)
    return _answer(request, documents.rss(base, _tag(base, tag), articles), RSS_TYPE)


@document("/tags/{tag:path}/atom.xml", 404, route_class=TagFeedRoute)
async def tag_atom(request: Request, session: DbSession, tag: TextInPath) -> Response:
    """The newest published articles with a tag, Atom 1.0 (empty for an unused tag)."""
    base = site_address(request)
    articles = await repository.newest(session, tag=tag)
    return _answer(request, documents.atom(base, _tag(base, tag), articles), ATOM_TYPE)


@document("/sitemap.xml")
async def sitemap(request: Request, session: DbSession) -> Response:
    """Every published article and the page of every author with one; for a site past the
    protocol's 50,000 URLs a file, the index of the files that hold them."""
    base = site_address(request)
    plan = await repository.sitemap_plan(session)
    if not plan.fits_one_file:
        files = [f"{base}/sitemaps/articles-{page}.xml" for page in plan.article_pages]
        files += [f"{base}/sitemaps/authors-{page}.xml" for page in plan.author_pages]
        return _answer(request, documents.sitemap_index(files), XML_TYPE)
    articles = await repository.sitemap_articles(session)
    authors = await repository.sitemap_authors(session)
    return _answer(request, documents.sitemap(base, articles, authors), XML_TYPE)


# A file of the index: the ids from page * SITEMAP_MAX_URLS on, as many as a file may hold.
SitemapPage = Annotated[
    int, Path(ge=0, le=INTEGER_MAX // repository.SITEMAP_MAX_URLS, description="Its number.")
]


@document("/sitemaps/articles-{page}.xml")
async def sitemap_articles(request: Request, session: DbSession, page: SitemapPage) -> Response:
    """The published articles of one file of the sitemap index."""
    articles = await repository.sitemap_articles(session, page)
    return _answer(request, documents.sitemap(site_address(request), articles, []), XML_TYPE)


@document("/sitemaps/authors-{page}.xml")
async def sitemap_authors(request: Request, session: DbSession, page: SitemapPage) -> Response:
    """The authors' pages of one file of the sitemap index."""
    authors = await repository.sitemap_authors(session, page)
    return _answer(request, documents.sitemap(site_address(request), [], authors), XML_TYPE)


@router.get("/robots.txt", response_class=PlainTextResponse)
async def robots(request: Request) -> str:
    """For crawlers: where the sitemap is; the API's JSON is not for them."""
    return f"User-agent: *\nDisallow: /api/\n\nSitemap: {site_address(request)}/sitemap.xml\n"
