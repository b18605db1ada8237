"""Pages for writers and active readers: the editor, the dashboard, comments, favorites
and follows. Every change goes through the same services as the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.api.fields import IdInPath, TextInPath
from pressroom.articles import reads
from pressroom.articles import service as articles
from pressroom.articles.rendering import render_markdown_async
from pressroom.articles.schemas import NewArticle, UpdateArticle
from pressroom.comments import service as comments
from pressroom.comments.repository import Window
from pressroom.comments.schemas import NewComment
from pressroom.db.deps import DbSession
from pressroom.db.rows import read_in
from pressroom.errors import Conflict, Invalid
from pressroom.kit.paths import article_path, author_path
from pressroom.models.articles import ArticleStatus
from pressroom.profiles import service as profiles
from pressroom.web.forms import Form, check, local_path, posted, tag_names
from pressroom.web.reading import (
    COMMENTS_PER_PAGE,
    PAGE_SIZE,
    PageNumber,
    article_page,
    last_page,
    pages,
)
from pressroom.web.routing import PageRoute
from pressroom.web.sessions import Author
from pressroom.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

EDITOR_FIELDS = ("title", "description", "body", "tagList", "publishAt", "version", "action")
# The editor's buttons, and the state each asks for (None: keep the article's own).
ACTIONS: dict[str, ArticleStatus | None] = {
    "draft": ArticleStatus.DRAFT,
    "publish": ArticleStatus.PUBLISHED,
    "schedule": ArticleStatus.SCHEDULED,
    "save": None,
}


def see_other(path: str) -> RedirectResponse:
    """After a change, the browser goes to a page it may reload safely."""
    return RedirectResponse(path, status_code=303)


def _editor_data(values: dict[str, str], status: ArticleStatus | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": values["title"],
        "description": values["description"],
        "body": values["body"],
        "tagList": tag_names(values["tagList"]),
        "status": status,
        # The editor's clock is UTC, as its label says.
        "publishAt": f"{values['publishAt']}Z"
        if status is ArticleStatus.SCHEDULED and values["publishAt"]
        else None,
    }
    if values["version"]:
        data["version"] = values["version"]
    return data


async def _editor(
    request: Request,
    form: Form[Any],
    *,
    article: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    preview = None
    if form.values.get("action") == "preview" and form.values["body"]:
        preview = await render_markdown_async(form.values["body"])
    return render(
        request,
        "editor.html",
        {"form": form, "article": article, "preview": preview},
        status_code=status_code,
    )


def _status_for_refusal(error: Invalid | Conflict) -> int:
    return 409 if isinstance(error, Conflict) else 422


async def _refused(session: AsyncSession, form: Form[Any], error: Invalid | Conflict) -> int:
    """Undo whatever the refused change wrote, and show why beside the fields."""
    await session.rollback()
    form.refuse(error)
    return _status_for_refusal(error)


@router.get("/editor", response_class=HTMLResponse)
async def new_article(request: Request, viewer: Author) -> HTMLResponse:
    """A blank editor."""
    return await _editor(request, Form(dict.fromkeys(EDITOR_FIELDS, "")))


@router.post("/editor", response_class=HTMLResponse)
async def create_article(request: Request, session: DbSession, viewer: Author) -> Response:
    """Preview, or save as a draft, publish now, or schedule."""
    values = await posted(request, *EDITOR_FIELDS)
    values["version"] = ""
    action = values["action"]
    if action not in ACTIONS or action == "save":
        return await _editor(request, Form(values))
    form = check(NewArticle, values, _editor_data(values, ACTIONS[action]))
    if form.model is None:
        return await _editor(request, form, status_code=422)
    try:
        created = await articles.create_article(session, form.model, viewer)
    except (Invalid, Conflict) as error:
        return await _editor(request, form, status_code=await _refused(session, form, error))
    return see_other(article_path(created["slug"]))


@router.post("/editor/preview", response_class=HTMLResponse)
async def preview(request: Request) -> HTMLResponse:
    """A body rendered as the article page would show it, for the editor's live preview.

    No database: rendering is the same for anyone who may hold a form of ours.
    """
    body = (await posted(request, "body"))["body"]
    return HTMLResponse(await render_markdown_async(body) if body else "")


def _tags_as_shown(article: dict[str, Any]) -> str:
    return " ".join(article["tagList"])


def _values_of(article: dict[str, Any]) -> dict[str, str]:
    scheduled = article["status"] == ArticleStatus.SCHEDULED
    return {
        "title": article["title"],
        "description": article["description"],
        "body": article["body"],
        "tagList": _tags_as_shown(article),
        "publishAt": article["publishedAt"][:16] if scheduled else "",
        "version": str(article["version"]),
        "action": "",
    }


@router.get("/editor/{slug}", response_class=HTMLResponse)
async def edit_article(
    request: Request, slug: TextInPath, session: DbSession, viewer: Author
) -> HTMLResponse:
    """The editor, filled with the author's article."""
    article = await articles.get_own_article(session, slug, viewer)
    return await _editor(request, Form(_values_of(article)), article=article)


@router.post("/editor/{slug}", response_class=HTMLResponse)
async def update_article(
    request: Request, slug: TextInPath, session: DbSession, viewer: Author
) -> Response:
    """Preview, save, or change the state of the author's article."""
    article = await articles.get_own_article(session, slug, viewer)
    values = await posted(request, *EDITOR_FIELDS)
    action = values["action"]
    if action not in ACTIONS:
        return await _editor(request, Form(values), article=article)
    data = _editor_data(values, ACTIONS[action])
    if data["tagList"] == tag_names(_tags_as_shown(article)):
        # Left as shown: the article keeps its own tags, which the field's text cannot
        # carry back when one written through the API holds a space or a comma.
        data["tagList"] = None
    form = check(UpdateArticle, values, data)
    if form.model is None:
        return await _editor(request, form, article=article, status_code=422)
    try:
        updated = await articles.update_article(session, slug, form.model, viewer)
    except (Invalid, Conflict) as error:
        status_code = await _refused(session, form, error)
        return await _editor(request, form, article=article, status_code=status_code)
    return see_other(article_path(updated["slug"]))


@router.get("/editor/{slug}/delete", response_class=HTMLResponse)
async def confirm_delete(
    request: Request, slug: TextInPath, session: DbSession, viewer: Author
) -> HTMLResponse:
    """Are you sure?"""
    article = await articles.get_own_article(session, slug, viewer)
    return render(request, "delete.html", {"article": article})


@router.post("/editor/{slug}/delete")
async def delete_article(slug: TextInPath, session: DbSession, viewer: Author) -> Response:
    await articles.delete_article(session, slug, viewer)
    return see_other("/dashboard")


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    session: DbSession,
    viewer: Author,
    status: ArticleStatus | None = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """The author's own articles in every state, and how they are doing."""
    own = await read_in(
        session, reads.list_own, viewer.id, status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    stats = await read_in(session, profiles.get_stats, viewer.username, viewer.id)
    return render(
        request,
        "dashboard.html",
        {
            "articles": own["articles"],
            "status": status.value if status else "all",
            "stats": stats,
            **pages(own["articlesCount"], page),
        },
    )


@router.post("/article/{slug}/comments", response_class=HTMLResponse)
async def add_comment(
    request: Request, slug: TextInPath, session: DbSession, viewer: Author
) -> Response:
    values = await posted(request, "body")
    form = check(NewComment, values, values)
    if form.model is None:
        shown = {"values": values, "errors": form.errors}
        return await article_page(request, session, viewer, slug, shown, status_code=422)
    comment = await comments.add_comment(session, slug, form.model.body, viewer)
    # The newest comment is on the last page of them.
    found = await read_in(session, comments.list_comments, slug, viewer.id, Window(1, 0))
    last = last_page(found.total, COMMENTS_PER_PAGE)
    on_page = f"?page={last}" if last > 1 else ""
    return see_other(f"{article_path(slug)}{on_page}#comment-{comment.id}")


@router.post("/article/{slug}/comments/{comment_id}/delete")
async def delete_comment(
    slug: TextInPath, comment_id: IdInPath, session: DbSession, viewer: Author
) -> Response:
    await comments.delete_comment(session, slug, comment_id, viewer)
    return see_other(f"{article_path(slug)}#comments")


async def _back(request: Request, default: str) -> RedirectResponse:
    return see_other(local_path((await posted(request, "next"))["next"], default))


@router.post("/article/{slug}/favorite")
async def favorite(
    request: Request, slug: TextInPath, session: DbSession, viewer: Author
) -> Response:
    await articles.favorite(session, slug, viewer)
    return await _back(request, article_path(slug))


@router.post("/article/{slug}/unfavorite")
async def unfavorite(
    request: Request, slug: TextInPath, session: DbSession, viewer: Author
) -> Response:
    await articles.unfavorite(session, slug, viewer)
    return await _back(request, article_path(slug))


@router.post("/@{username}/follow")
async def follow(
    request: Request, username: TextInPath, session: DbSession, viewer: Author
) -> Response:
    await profiles.follow(session, username, viewer)
    return await _back(request, author_path(username))


@router.post("/@{username}/unfollow")
async def unfollow(
    request: Request, username: TextInPath, session: DbSession, viewer: Author
) -> Response:
    await profiles.unfollow(session, username, viewer)
    return await _back(request, author_path(username))
