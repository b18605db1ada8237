"""Who is asking: ``Authorization: Token <jwt>`` (or ``Bearer``) turned into a User."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from pressroom.db.deps import DbSession, ReadSession, read_connection
from pressroom.errors import Unauthorized
from pressroom.models import User
from pressroom.users import repository
from pressroom.users.security import TokenClaims, TokenIssuer

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
    if claims is None:
        return None
    holder = await repository.token_holder(session, claims.user_id, claims.token_id)
    # A deleted user's token names nobody; one issued before a password change, or before
    # they signed out everywhere, or signed out with itself, is void.
    if holder is None:
        return None
    user = holder.user
    if not tokens.accepts(
        claims, user.password_hash, user.token_generation, revoked=holder.revoked
    ):
        return None
    return user


async def _user_for(token: str, tokens: TokenIssuer, session: AsyncSession) -> User:
    user = await user_for_token(token, tokens, session)
    if user is None:
        raise Unauthorized("token", "is invalid")
    return user


@dataclass(frozen=True, slots=True)
class Reading:
    """What a public read works with: a connection for its Core statements, and who reads
    (None: nobody signed in)."""

    connection: AsyncConnection
    viewer_id: int | None

    def signed_in(self) -> int:
        """The reader, for a read that only a signed-in user may make; 401 otherwise."""
        if self.viewer_id is None:
            raise Unauthorized("token", "is missing")
        return self.viewer_id


async def _reader_id(token: str, tokens: TokenIssuer, connection: AsyncConnection) -> int:
    """The id of the user the token names, checked as :func:`user_for_token` checks it."""
    claims = tokens.read(token)
    if claims is not None:
        holder = await repository.token_check_of(connection, claims.user_id, claims.token_id)
        if holder is not None:
            password_hash, generation, revoked = holder
            if tokens.accepts(claims, password_hash, generation, revoked=revoked):
                return claims.user_id
    raise Unauthorized("token", "is invalid")


@asynccontextmanager
async def reading(request: Request) -> AsyncIterator[Reading]:
    """A public read's connection and its reader, signed in or not; a bad token is a 401.

    Nothing here loads or changes ORM objects, so there is no session: a session's own
    bookkeeping around the connection (its transaction object, its identity map, closing
    it) was about 12% of the instructions of an anonymous read.

    The public reads, which every client makes on every page, open this themselves
    (``async with reading(request) as reader``) rather than take it as a dependency:
    FastAPI enters a dependency that yields in an exit stack of its own, with a
    cancellation scope shielding its exit, and that bookkeeping cost a typical read
    several percent of its instructions. The connection goes back to the pool when the
    block ends, before the reply is serialized. These routes document their security
    themselves (``SIGNED_IN_OR_NOT``, ``SIGNED_IN``).
    """
    async with read_connection(request) as connection:
        token = _token_from(request.headers.get("authorization"))
        tokens: TokenIssuer = request.app.state.tokens
        viewer_id = None if token is None else await _reader_id(token, tokens, connection)
        yield Reading(connection, viewer_id)


async def current_user(
    session: DbSession, tokens: Tokens, header: Annotated[str | None, Depends(token_header)]
) -> User:
    """The signed-in user; 401 when there is none."""
    token = _token_from(header)
    if token is None:
        raise Unauthorized("token", "is missing")
    return await _user_for(token, tokens, session)


CurrentUser = Annotated[User, Depends(current_user)]


async def handed_over(user: User, reads: AsyncSession, session: AsyncSession) -> User:
    """``user``, found in ``reads``, as an object of the write ``session``: ``reads`` gives
    its connection back first, and ``session`` runs no statement, so its transaction (on
    SQLite, the lock every writer waits for) has not begun yet."""
    await reads.close()
    return await session.merge(user, load=False)


async def current_user_from_reads(
    reads: ReadSession,
    session: DbSession,
    tokens: Tokens,
    header: Annotated[str | None, Depends(token_header)],
) -> User:
    """The signed-in user, as :func:`current_user`, found on a read connection: for the
    writes that hash or verify a password before they write, so that Argon2, slow on
    purpose, runs before the write transaction begins.

    The token is checked a moment before the write begins, as on every database at READ
    COMMITTED, where the write transaction's own read of it holds no lock either.
    """
    user = await current_user(reads, tokens, header)
    return await handed_over(user, reads, session)


CurrentUserFromReads = Annotated[User, Depends(current_user_from_reads)]


async def current_token(
    user: CurrentUser, tokens: Tokens, header: Annotated[str | None, Depends(token_header)]
) -> TokenClaims:
    """What the token the signed-in user was let in with says (its id, its expiry)."""
    claims = tokens.read(_token_from(header) or "")
    if claims is None:  # it expired since ``current_user`` read it
        raise Unauthorized("token", "is invalid")
    return claims


CurrentToken = Annotated[TokenClaims, Depends(current_token)]
