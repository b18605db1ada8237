"""/api/articles/{slug}/comments."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from pressroom.api import API_PREFIX
from pressroom.api.errors import SIGNED_IN_OR_NOT, errors
from pressroom.api.fields import IdInPath, TextInPath
from pressroom.api.responses import json_body
from pressroom.comments import service
from pressroom.comments.schemas import CommentResponse, CommentsResponse, NewCommentRequest
from pressroom.db.deps import DbSession
from pressroom.users.deps import CurrentUser, reading

router = APIRouter(prefix=API_PREFIX, tags=["comments"])


@router.get(
    "/articles/{slug}/comments",
    response_model=CommentsResponse,
    responses=errors(401, 404),
    openapi_extra=SIGNED_IN_OR_NOT,
)
async def list_comments(slug: TextInPath, request: Request) -> Response:
    """An article's comments, oldest first."""
    async with reading(request) as reader:
        comments = await service.list_comments(reader.connection, slug, reader.viewer_id)
    return json_body({"comments": comments})


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
