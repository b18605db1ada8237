"""Who is asking: ``Authorization: Token <jwt>`` (or ``Bearer``) turned into a User."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.deps import DbSession, read_session
from pressroom.errors import Unauthorized
from pressroom.models import User
from pressroom.users import repository
from pressroom.users.security import TokenIssuer

# Documents the scheme in OpenAPI; the header is parsed below (auto_error would answer 403).
token_header = APIKeyHeader(
    name="Authorization",
    scheme_name="Token",
    description="`Token <jwt>` as returned by login or registration (`Bearer <jwt>` works too).",
    auto_error=False,
)


async def get_tokens(request: Request) -> TokenIssuer:
    issuer: TokenIssuer = request.app.state.tokens
    return issuer


Tokens = Annotated[TokenIssuer, Depends(get_tokens)]


def _token_from(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not token.strip():
        raise Unauthorized("token", "is invalid")
    return token.strip()


async def user_for_token(token: str, tokens: TokenIssuer, session: AsyncSession) -> User | None:
    """The user a token names, or None when it is invalid, expired or void."""
    claims = tokens.read(token)
    user = await repository.get_by_id(session, claims.user_id) if claims is not None else None
    # A deleted user's token names nobody; one issued before a password change is void.
    if claims is None or user is None or not tokens.accepts(claims, user.password_hash):
        return None
    return user


async def _user_for(token: str, tokens: TokenIssuer, session: AsyncSession) -> User:
    user = await user_for_token(token, tokens, session)
    if user is None:
        raise Unauthorized("token", "is invalid")
    return user


@dataclass(frozen=True, slots=True)
class Reading:
    """What a read route works with: its session, and who reads (None: nobody signed in)."""

    session: AsyncSession
    viewer: User | None


@asynccontextmanager
async def reading(request: Request) -> AsyncIterator[Reading]:
    """A read route's session and its reader, signed in or not; a bad token is still a 401.

    The public reads, which every client makes on every page, open this themselves
    (``async with reading(request) as reader``) rather than take it as a dependency:
    FastAPI enters a dependency that yields in an exit stack of its own, with a
    cancellation scope shielding its exit, and that bookkeeping cost a typical read
    several percent of its instructions. The session is closed when the block ends,
    before the reply is serialized, as a ``scope="function"`` dependency's would be. Its
    routes document their security themselves (``SIGNED_IN_OR_NOT``).
    """
    async with read_session(request) as session:
        token = _token_from(request.headers.get("authorization"))
        tokens: TokenIssuer = request.app.state.tokens
        yield Reading(session, None if token is None else await _user_for(token, tokens, session))


async def current_user(
    session: DbSession, tokens: Tokens, header: Annotated[str | None, Depends(token_header)]
) -> User:
    """The signed-in user; 401 when there is none."""
    token = _token_from(header)
    if token is None:
        raise Unauthorized("token", "is missing")
    return await _user_for(token, tokens, session)


CurrentUser = Annotated[User, Depends(current_user)]
