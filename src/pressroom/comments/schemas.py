"""Comment bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pressroom.api.fields import VisibleText
from pressroom.api.query import QueryModel
from pressroom.kit.pagination import INTEGER_MAX, PAGE_MAX
from pressroom.profiles.schemas import Profile

COMMENT_MAX = 20_000


# Not stripped, as an article's body: white space at either end can be Markdown.
CommentBody = Annotated[str, StringConstraints(min_length=1, max_length=COMMENT_MAX), VisibleText]


class NewComment(BaseModel):
    model_config = ConfigDict(extra="ignore")
    body: CommentBody


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


class CommentWindow(QueryModel):
    """A page of an article's comments, as the query string asks for it."""

    limit: int | None = Field(None, ge=1, le=PAGE_MAX, description="Page size.")
    offset: int | None = Field(None, ge=0, le=INTEGER_MAX, description="Comments to skip.")
