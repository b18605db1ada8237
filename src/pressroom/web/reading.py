"""Pages for readers: home, articles, tags, authors and search."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pressroom.api.fields import TEXT_PARAMETER, TextInPath
from pressroom.articles import reads as articles
from pressroom.articles.listing import ArticleFilter
from pressroom.comments import service as comments
from pressroom.comments.repository import Window
from pressroom.db.deps import DbSession
from pressroom.db.rows import read_in
from pressroom.errors import NotFound
from pressroom.models import User
from pressroom.profiles import service as profiles
from pressroom.tags import repository as tags
from pressroom.web.routing import PageRoute, PastTheLastPage
from pressroom.web.sessions import Viewer
from pressroom.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 10
COMMENTS_PER_PAGE = 100  # an article's comments, oldest first
PAGES_MAX = 10_000
POPULAR_TAGS = 20  # beside the home page's list
PageNumber = Annotated[int, Query(ge=1, le=PAGES_MAX)]
SearchText = Annotated[str, Query(max_length=200, json_schema_extra=TEXT_PARAMETER)]


def last_page(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, math.ceil(total / size))


def pages(total: int, page: int, size: int = PAGE_SIZE) -> dict[str, Any]:
    """What the pagination links need. A page past the last one (a list that shrank since
    its link was made) leads to the last one, rather than to "Page 7 of 2"."""
    last = last_page(total, size)
    if page > last:
        raise PastTheLastPage(last)
    return {"page": page, "last": last, "total": total}


def _id(viewer: User | None) -> int | None:
    return viewer.id if viewer is not None else None


async def _articles(
    session: DbSession, criteria: ArticleFilter, viewer: User | None, page: int
) -> dict[str, Any]:
    listing = await read_in(
        session,
        articles.list_articles,
        criteria,
        _id(viewer),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return {"articles": listing["articles"], **pages(listing["articlesCount"], page)}


@router.get("/", response_class=HTMLResponse)
async def home(
    request: Request, session: DbSession, viewer: Viewer, feed: str = "", page: PageNumber = 1
) -> HTMLResponse:
    """The newest articles; signed-in readers may switch to the authors they follow."""
    following = feed == "following" and viewer is not None
    criteria = ArticleFilter(feed_of=viewer.id) if following and viewer else ArticleFilter()
    return render(
        request,
        "home.html",
        {
            **await _articles(session, criteria, viewer, page),
            "feed": "following" if following else "global",
            "popular_tags": await read_in(session, tags.list_popular, POPULAR_TAGS),
        },
    )


@router.get("/article/{slug}", response_class=HTMLResponse)
async def article(
    request: Request, slug: TextInPath, session: DbSession, viewer: Viewer, page: PageNumber = 1
) -> HTMLResponse:
    """One article with its comments, a hundred to a page."""
    return await article_page(request, session, viewer, slug, page=page)


async def article_page(
    request: Request,
    session: DbSession,
    viewer: User | None,
    slug: str,
    comment: dict[str, Any] | None = None,
    status_code: int = 200,
    page: int = 1,
) -> HTMLResponse:
    """The article page and a page of its comments, with the comment form as posted when it
    was refused."""
    row = await read_in(session, articles.visible_row, slug, _id(viewer))
    shown = await articles.in_full(row)
    window = Window(COMMENTS_PER_PAGE, (page - 1) * COMMENTS_PER_PAGE)
    found = await read_in(session, comments.list_comments, slug, _id(viewer), window)
    return render(
        request,
        "article.html",
        {
            "article": shown,
            "comments": found.comments,
            **pages(found.total, page, COMMENTS_PER_PAGE),
            "comment": comment or {"values": {"body": ""}, "errors": {}},
        },
        status_code=status_code,
    )


# A tag may hold a slash, which the path carries decoded: its page takes the rest of the
# path. The site's links send the slash as %2F (see tag_path); a tag's feeds,
# /tags/{tag}/feed.xml, are routed before it, and only when the last slash was sent as one.
@router.get("/tags/{tag:path}", response_class=HTMLResponse)
async def tag_page(
    request: Request, tag: TextInPath, session: DbSession, viewer: Viewer, page: PageNumber = 1
) -> HTMLResponse:
    """Articles with one tag."""
    if not tag:
        raise NotFound("tag", "not found")
    found = await _articles(session, ArticleFilter(tag=tag), viewer, page)
    return render(request, "tag.html", {"tag": tag, **found})


@router.get("/@{username}", response_class=HTMLResponse)
async def author_page(
    request: Request,
    username: TextInPath,
    session: DbSession,
    viewer: Viewer,
    tab: str = "articles",
    page: PageNumber = 1,
) -> HTMLResponse:
    """An author: their profile, statistics, and their articles or their favorites."""
    profile = await read_in(session, profiles.get_profile, username, _id(viewer))
    stats = await read_in(session, profiles.get_stats, username, _id(viewer))
    favorites = tab == "favorites"
    criteria = ArticleFilter(favorited_by=username) if favorites else ArticleFilter(author=username)
    return render(
        request,
        "author.html",
        {
            "profile": profile,
            "stats": stats,
            "tab": "favorites" if favorites else "articles",
            **await _articles(session, criteria, viewer, page),
        },
    )


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request, session: DbSession, viewer: Viewer, q: SearchText = "", page: PageNumber = 1
) -> HTMLResponse:
    """Full-text search, most relevant first (any text is a valid query)."""
    query = q.strip()
    if not query:  # the empty form: no results yet, and no pages past the first
        return render(request, "search.html", {"q": "", "articles": [], **pages(0, page)})
    found = await _articles(session, ArticleFilter(query=query), viewer, page)
    return render(request, "search.html", {"q": query, **found})
