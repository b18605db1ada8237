"""Query parameters read by a model of their own instead of declared to FastAPI.

FastAPI validates every declared query parameter on every request, one at a time, whether
the client sent it or not: for the article list's seven that was a sixth of a page's
instructions (``bench/http/instructions.py``), though most requests send one or two.
A ``QueryString`` validates only what was sent, in one pass of the model, answers a bad
value with the same 422 a declared parameter gets, and documents the parameters in the
route's OpenAPI operation as FastAPI would.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError


class QueryModel(BaseModel):
    """A query string's parameters. Frozen: every request that sends none of them shares
    one instance of the defaults."""

    model_config = ConfigDict(frozen=True)


Parameters = TypeVar("Parameters", bound=QueryModel)

# What a property's JSON Schema says about the parameter rather than about its value.
_ABOUT_THE_PARAMETER = frozenset({"title", "description", "anyOf", "default"})


class QueryString(Generic[Parameters]):
    """Reads ``model``'s fields from a request's query string; absent ones keep their
    defaults."""

    def __init__(self, model: type[Parameters]) -> None:
        self.model = model
        self.names = tuple(model.model_fields)
        self.defaults = model()  # what a request that sends none of them asks for

    def read(self, request: Request) -> Parameters:
        """The parameters the request sent, validated; a bad one is a 422."""
        query = request.query_params
        sent = {name: query[name] for name in self.names if name in query}
        if not sent:
            return self.defaults
        try:
            return self.model.model_validate(sent)
        except ValidationError as invalid:
            failures = [
                {**failure, "loc": ("query", *failure["loc"])} for failure in invalid.errors()
            ]
            raise RequestValidationError(failures) from None

    def openapi(self, about_absence: str = "") -> dict[str, Any]:
        """The parameters, for the route's ``openapi_extra``. ``about_absence`` is added to
        the description of each parameter that has no default."""
        schema = self.model.model_json_schema()
        definitions = schema.get("$defs", {})
        return {
            "parameters": [
                _parameter(name, field, definitions, about_absence)
                for name, field in schema["properties"].items()
            ]
        }


def _parameter(
    name: str, field: dict[str, Any], definitions: dict[str, Any], about_absence: str
) -> dict[str, Any]:
    # An optional value's schema is "this, or null"; in a query string, absent is the null.
    value: dict[str, Any] = next(
        (branch for branch in field.get("anyOf", ()) if branch.get("type") != "null"), {}
    )
    value = value | {key: item for key, item in field.items() if key not in _ABOUT_THE_PARAMETER}
    if "$ref" in value:  # an enum's values, written out: the model's $defs are not published
        named = definitions[value.pop("$ref").rpartition("/")[2]]
        value = {key: item for key, item in named.items() if key in ("type", "enum")} | value
    if field.get("default") is not None:
        value["default"] = field["default"]
    description = field.get("description", "")
    if field.get("default") is None and about_absence:
        description = f"{description} {about_absence}".strip()
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": value}
    if description:
        parameter["description"] = description
    return parameter
