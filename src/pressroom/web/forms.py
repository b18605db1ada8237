"""Posted forms checked by the API's own request models, so that no rule is written twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from pydantic import BaseModel, ValidationError

from pressroom.api.errors import messages_by_field
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


async def posted(request: Request, *names: str) -> dict[str, str]:
    """The posted text fields among ``names`` (missing ones empty)."""
    form = await request.form()
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
