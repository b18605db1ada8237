"""Comment bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from pressroom.api.fields import VisibleText
from pressroom.profiles.schemas import Profile

COMMENT_MAX = 20_000


class NewComment(BaseModel):
    model_config = ConfigDict(extra="ignore")
    body: Annotated[str, StringConstraints(min_length=1, max_length=COMMENT_MAX), VisibleText]


class NewCommentRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    comment: NewComment


class CommentOut(BaseModel):
    id: int
    createdAt: str
    updatedAt: str
    body: str
    author: Profile


class CommentResponse(BaseModel):
    comment: CommentOut


class CommentsResponse(BaseModel):
    comments: list[CommentOut]
    commentsCount: int  # beside the spec: the article's total, for paging
