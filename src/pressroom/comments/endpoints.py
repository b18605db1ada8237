"""/api/articles/{slug}/comments."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import IdInPath, TextInPath
from pressroom.api.query import QueryString
from pressroom.api.responses import json_body
from pressroom.comments import service
from pressroom.comments.repository import Window
from pressroom.comments.schemas import (
    CommentResponse,
    CommentsResponse,
    CommentWindow,
    NewCommentRequest,
)
from pressroom.db.deps import DbSession
from pressroom.users.deps import CurrentUser, reading

router = APIRouter(prefix=API_PREFIX, tags=["comments"])

DEFAULT_PAGE = 20  # as for articles


_WINDOW_QUERY = QueryString(CommentWindow)


def _window(request: Request) -> Window | None:
    """The page the query string asks for; None for every comment, as the spec has it."""
    asked = _WINDOW_QUERY.read(request)
    if asked.limit is None and asked.offset is None:
        return None
    return Window(asked.limit or DEFAULT_PAGE, asked.offset or 0)


@router.get(
    "/articles/{slug}/comments",
    response_model=CommentsResponse,
    responses=errors(401, 404, 422),
    openapi_extra=SIGNED_IN_OR_NOT
    | _WINDOW_QUERY.openapi(about_absence="Without `limit` or `offset`, every comment."),
)
async def list_comments(slug: TextInPath, request: Request) -> Response:
    """An article's comments, oldest first: all of them, or a page with ``limit`` and
    ``offset``. ``commentsCount`` is the article's total either way."""
    window = _window(request)
    page = await reading(
        request,
        lambda reader: service.list_comments(reader.connection, slug, reader.viewer_id, window),
    )
    return json_body({"comments": page.comments, "commentsCount": page.total})


@router.post(
    "/articles/{slug}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentResponse,
    responses=errors(401, 404),
)
async def add_comment(
    slug: TextInPath, body: NewCommentRequest, session: DbSession, viewer: CurrentUser
) -> CommentResponse:
    """Comment on an article."""
    return CommentResponse(
        comment=await service.add_comment(session, slug, body.comment.body, viewer)
    )


@router.delete(
    "/articles/{slug}/comments/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404),
)
async def delete_comment(
    slug: TextInPath, comment_id: IdInPath, session: DbSession, viewer: CurrentUser
) -> Response:
    """Delete a comment (its author only)."""
    await service.delete_comment(session, slug, comment_id, viewer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
