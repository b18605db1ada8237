"""/api/articles/{slug}/comments."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import IdInPath, TextInPath
from pressroom.api.responses import json_body
from pressroom.articles.schemas import PAGE_MAX
from pressroom.comments import service
from pressroom.comments.repository import Window
from pressroom.comments.schemas import CommentResponse, CommentsResponse, NewCommentRequest
from pressroom.db.deps import DbSession
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.users.deps import CurrentUser, reading

router = APIRouter(prefix=API_PREFIX, tags=["comments"])

DEFAULT_PAGE = 20  # as for articles


class CommentWindow(BaseModel):
    """A page of an article's comments, as the query string asks for it."""

    limit: int | None = Field(None, ge=1, le=PAGE_MAX, description="Page size.")
    offset: int | None = Field(None, ge=0, le=INTEGER_MAX, description="Comments to skip.")


# Documented here, read by _window: see there why.
_WINDOW_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{schema['description']} Without `limit` or `offset`, every comment.",
        # The number, not its "or null": an absent parameter is the null.
        "schema": next(branch for branch in schema["anyOf"] if branch["type"] != "null"),
    }
    for name, schema in CommentWindow.model_json_schema()["properties"].items()
]


def _window(request: Request) -> Window | None:
    """The page the query string asks for; None for every comment, as the spec has it.

    Read here rather than declared as parameters of the route: FastAPI validates every
    declared parameter on every request, asked for or not, and two more cost the comments
    read a tenth of its instructions (``bench/http/instructions.py``), while nearly every
    client asks for them all. A bad value is the same 422 a declared parameter gets.
    """
    query = request.query_params
    asked = {name: query[name] for name in ("limit", "offset") if name in query}
    if not asked:
        return None
    try:
        window = CommentWindow.model_validate(asked)
    except ValidationError as invalid:
        failures = [{**failure, "loc": ("query", *failure["loc"])} for failure in invalid.errors()]
        raise RequestValidationError(failures) from None
    return Window(window.limit or DEFAULT_PAGE, window.offset or 0)


@router.get(
    "/articles/{slug}/comments",
    response_model=CommentsResponse,
    responses=errors(401, 404, 422),
    openapi_extra=SIGNED_IN_OR_NOT | {"parameters": _WINDOW_PARAMETERS},
)
async def list_comments(slug: TextInPath, request: Request) -> Response:
    """An article's comments, oldest first: all of them, or a page with ``limit`` and
    ``offset``. ``commentsCount`` is the article's total either way."""
    window = _window(request)
    async with reading(request) as reader:
        page = await service.list_comments(reader.connection, slug, reader.viewer_id, window)
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
