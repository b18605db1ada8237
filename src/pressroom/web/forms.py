"""Posted forms checked by the API's own request models, so that no rule is written twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from pressroom.api.errors import messages_by_field
from pressroom.config import Settings
from pressroom.errors import DomainError

Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Form(Generic[Model]):
    """What was posted (to show again), and either the checked model or its errors."""

    values: dict[str, str]
    model: Model | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, error: DomainError) -> None:
        """Show a service's refusal (a name already taken...) beside its fields."""
        self.model = None
        for name, messages in error.as_dict().items():
            self.errors.setdefault(name, []).extend(messages)


async def form_of(request: Request) -> FormData:
    """The posted form, read once. Starlette refuses a field over 1 MB by default, which a
    long article in a non-Latin script passes once percent-encoded; the whole request is
    held to the body limit already (``Settings.max_body_bytes``), so a field may be as
    long as the request."""
    settings: Settings = request.app.state.settings
    return await request.form(max_part_size=settings.max_body_bytes)


async def posted(request: Request, *names: str) -> dict[str, str]:
    """The posted text fields among ``names`` (missing ones empty)."""
    form = await form_of(request)
    values = {}
    for name in names:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


def check(model: type[Model], values: dict[str, str], data: dict[str, Any]) -> Form[Model]:
    """``data`` (built from ``values``) checked as ``model``."""
    try:
        return Form(values, model.model_validate(data))
    except ValidationError as error:
        failures = [{**failure, "loc": ("form", *failure["loc"])} for failure in error.errors()]
        return Form(values, errors=messages_by_field(failures))


def tag_names(text: str) -> list[str]:
    """Tags typed as ``one, two three``: commas or spaces between them."""
    return [name for name in text.replace(",", " ").split() if name]


def local_path(target: str | None, default: str = "/") -> str:
    """Where to go next, if it is a path on this site; never another site's address."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target
