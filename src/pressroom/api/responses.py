"""Responses serialized once, without a second pass through the response model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Response
from pydantic_core import to_json


def json_body(
    payload: Mapping[str, Any], status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A body of plain dicts and lists, in the shape of the route's response model.

    Articles and comments are built as dicts straight from their rows: constructing a
    model per row, then validating it again against the response model, would cost more
    than the query. Their shapes are the response models'; the API tests, the schema
    check and the RealWorld collections hold them to it.
    """
    return Response(
        to_json(payload), status_code=status_code, headers=headers, media_type="application/json"
    )
