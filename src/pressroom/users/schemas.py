"""Request and response bodies for users, as the RealWorld spec names them."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from pressroom.api.fields import (
    NoControlCharacters,
    NotOnlyDots,
    OneSpelling,
    ReadableName,
    VisibleText,
)
from pressroom.kit.scripts import mixes_scripts
from pressroom.models.users import EMAIL_MAX, IMAGE_MAX, USERNAME_MAX

PASSWORD_MAX = 256
BIO_MAX = 10_000


def _looks_like_email(value: str) -> str:
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or "." not in domain or " " in value.strip():
        raise ValueError("is invalid")
    return value


def _usable_as_a_path(value: str) -> str:
    # A username is a path segment (/api/profiles/{username}, /@{username}) and is shown
    # wherever its author is: it must read as what it is and lead back to its profile.
    if "/" in value:
        raise ValueError("cannot contain '/'")
    return value


def _one_script(value: str) -> str:
    # "paul" with a Cyrillic "a" (U+0430) reads as "paul": a name must not pass for another's.
    if mixes_scripts(value):
        raise ValueError(
            "mixes the letters of different scripts (as Latin and Cyrillic), "
            "which could pass for another name"
        )
    return value


Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=USERNAME_MAX),
    VisibleText,
    NotOnlyDots,
    ReadableName,
    AfterValidator(_usable_as_a_path),
    AfterValidator(_one_script),
    OneSpelling,
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=EMAIL_MAX),
    VisibleText,
    AfterValidator(_looks_like_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": EMAIL_MAX}),
]
Password = Annotated[
    str, StringConstraints(min_length=1, max_length=PASSWORD_MAX), NoControlCharacters
]
Bio = Annotated[str, StringConstraints(max_length=BIO_MAX), NoControlCharacters]
# Stripped, so that white space alone clears the image as an empty string does.
Image = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=IMAGE_MAX), NoControlCharacters
]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class NewUser(_In):
    username: Username
    email: Email
    password: Password


class LoginUser(_In):
    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=EMAIL_MAX),
        VisibleText,
    ]
    password: Password


class UpdateUser(_In):
    username: Username | None = None
    email: Email | None = None
    password: Password | None = None
    bio: Bio | None = None
    image: Image | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> UpdateUser:
        # The spec: "At least one field is required." Unknown fields do not count.
        if not self.model_fields_set:
            raise ValueError("needs at least one field to change")
        return self


class NewUserRequest(_In):
    user: NewUser


class LoginUserRequest(_In):
    user: LoginUser


class UpdateUserRequest(_In):
    user: UpdateUser


class UserOut(BaseModel):
    email: str
    token: str
    username: str
    bio: str | None
    image: str | None


class UserResponse(BaseModel):
    user: UserOut
