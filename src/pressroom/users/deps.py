"""Who is asking: ``Authorization: Token <jwt>`` (or ``Bearer``) turned into a User."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.deps import DbSession
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


async def optional_user(request: Request, session: DbSession) -> User | None:
    """The signed-in user, or None for an anonymous request; a bad token is still a 401.

    It reads the header itself rather than through ``token_header`` and ``Tokens``: every
    anonymous read passes here, and each dependency costs FastAPI work on every request.
    Its routes document their security themselves (``SIGNED_IN_OR_NOT``).
    """
    token = _token_from(request.headers.get("authorization"))
    return None if token is None else await _user_for(token, request.app.state.tokens, session)


async def current_user(
    session: DbSession, tokens: Tokens, header: Annotated[str | None, Depends(token_header)]
) -> User:
    """The signed-in user; 401 when there is none."""
    token = _token_from(header)
    if token is None:
        raise Unauthorized("token", "is missing")
    return await _user_for(token, tokens, session)


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
