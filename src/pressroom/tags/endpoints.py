"""/api/tags."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from pressroom.api import API_PREFIX
from pressroom.api.errors import errors
from pressroom.api.query import QueryModel, QueryString
from pressroom.api.responses import json_body
from pressroom.db.deps import on_read_connection
from pressroom.tags import repository

router = APIRouter(prefix=API_PREFIX, tags=["tags"])


class TagsResponse(BaseModel):
    tags: list[str]


class TagCount(BaseModel):
    name: str
    count: int


class TagCountsResponse(BaseModel):
    tags: list[TagCount]


class TagsQuery(QueryModel):
    """What the tag list's query string asks for."""

    withCounts: bool = Field(
        False, description="Answer `{name, count}` objects instead of plain names."
    )


_TAGS_QUERY = QueryString(TagsQuery)


@router.get(
    "/tags",
    response_model=TagsResponse | TagCountsResponse,
    responses=errors(422),
    openapi_extra=_TAGS_QUERY.openapi(),
)
async def list_tags(request: Request) -> Response:
    """Tags in use on published articles, most used first (ties by name).

    With `withCounts=true`, each tag comes with the number of published articles using it.
    """
    with_counts = _TAGS_QUERY.read(request).withCounts
    if with_counts:  # on a read's connection, as the other public reads
        counts = await on_read_connection(request, repository.list_counts)
        return json_body({"tags": [{"name": n, "count": count} for n, count in counts]})
    return json_body({"tags": await on_read_connection(request, repository.list_popular)})
