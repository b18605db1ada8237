"""/api/tags."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from pressroom.db.deps import DbSession
from pressroom.tags import repository

router = APIRouter(tags=["tags"])


class TagsResponse(BaseModel):
    tags: list[str]


@router.get("/tags", response_model=TagsResponse)
async def list_tags(session: DbSession) -> TagsResponse:
    """Tags in use on published articles, most used first."""
    return TagsResponse(tags=await repository.list_popular(session))
