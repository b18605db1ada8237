"""Responses serialized once."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """``model`` as JSON, without FastAPI validating it again against the response model.

    For bodies built from the database's own values (lists above all), where a second
    validation pass would cost more than the query that produced them. The route still
    declares its ``response_model`` for the OpenAPI document.
    """
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")
