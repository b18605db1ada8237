"""Who is asking: ``Authorization: Token <jwt>`` (or ``Bearer``) turned into a User."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.deps import DbSession, on_read_connection
from pressroom.db.rows import Answer, Reads
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

    connection: Reads
    viewer_id: int | None

    def signed_in(self) -> int:
        """The reader, for a read that only a signed-in user may make; 401 otherwise."""
        if self.viewer_id is None:
            raise Unauthorized("token", "is missing")
        return self.viewer_id


def _reader_id(claims: TokenClaims, tokens: TokenIssuer, connection: Reads) -> int:
    """The id of the user the token names, checked as :func:`user_for_token` checks it."""
    holder = repository.token_check_of(connection, claims.user_id, claims.token_id)
    if holder is not None:
        password_hash, generation, revoked = holder
        if tokens.accepts(claims, password_hash, generation, revoked=revoked):
            return claims.user_id
    raise Unauthorized("token", "is invalid")


async def reading(request: Request, read: Callable[[Reading], Answer]) -> Answer:
    """``read`` on a public read's connection, with its reader, signed in or not; a bad
    token is a 401.

    Nothing here loads or changes ORM objects, so there is no session: a session's own
    bookkeeping around the connection (its transaction object, its identity map, closing
    it) was about 12% of the instructions of an anonymous read. The reader is checked and
    ``read`` runs in one greenlet, with the connection's checkout and close
    (:meth:`~pressroom.db.session.RequestSessions.on_read_connection`); the connection is
    back in the pool before the reply is serialized.

    The public reads, which every client makes on every page, call this themselves rather
    than take a dependency: FastAPI enters a dependency that yields in an exit stack of its
    own, with a cancellation scope shielding its exit, and that bookkeeping cost a typical
    read several percent of its instructions. These routes document their security
    themselves (``SIGNED_IN_OR_NOT``, ``SIGNED_IN``).
    """
    token = _token_from(request.headers.get("authorization"))
    tokens: TokenIssuer = request.app.state.tokens
    claims = None if token is None else tokens.read(token)
    if token is not None and claims is None:  # refused before a connection is taken
        raise Unauthorized("token", "is invalid")

    def as_the_reader(connection: Reads) -> Answer:
        viewer_id = None if claims is None else _reader_id(claims, tokens, connection)
        return read(Reading(connection, viewer_id))

    return await on_read_connection(request, as_the_reader)


async def current_user(
    session: DbSession, tokens: Tokens, header: Annotated[str | None, Depends(token_header)]
) -> User:
    """The signed-in user; 401 when there is none."""
    token = _token_from(header)
    if token is None:
        raise Unauthorized("token", "is missing")
    return await _user_for(token, tokens, session)


CurrentUser = Annotated[User, Depends(current_user)]


@dataclass(frozen=True, slots=True)
class Bearer:
    """A request's token, its signature and expiry checked but not yet whom it names: for
    the writes that hash or verify a password first (Argon2, slow on purpose). Reading the
    user in the write session begins the write transaction (on SQLite, the lock every
    writer waits for), so they read them there only once the password work is done; it is
    then checked as it would have been at the start, signed out or deleted meanwhile
    included."""

    token: str
    tokens: TokenIssuer

    async def user_or_none(self, session: AsyncSession) -> User | None:
        return await user_for_token(self.token, self.tokens, session)

    async def user(self, session: AsyncSession) -> User:
        """Whom the token names, read in ``session``; 401 when it names nobody now."""
        return await _user_for(self.token, self.tokens, session)

    async def check(self, reads: AsyncSession) -> None:
        """401 unless the token names somebody now, read in ``reads``, which is then
        closed: before a request makes the server run Argon2 for it."""
        await self.user(reads)
        await reads.close()


async def bearer(tokens: Tokens, header: Annotated[str | None, Depends(token_header)]) -> Bearer:
    """The request's token, checked without the database; 401 when it is missing, forged
    or expired, so that no anonymous request makes the server run Argon2."""
    token = _token_from(header)
    if token is None:
        raise Unauthorized("token", "is missing")
    if tokens.read(token) is None:
        raise Unauthorized("token", "is invalid")
    return Bearer(token, tokens)


SignedBearer = Annotated[Bearer, Depends(bearer)]


async def current_token(
    user: CurrentUser, tokens: Tokens, header: Annotated[str | None, Depends(token_header)]
) -> TokenClaims:
    """What the token the signed-in user was let in with says (its id, its expiry)."""
    claims = tokens.read(_token_from(header) or "")
    if claims is None:  # it expired since ``current_user`` read it
        raise Unauthorized("token", "is invalid")
    return claims


CurrentToken = Annotated[TokenClaims, Depends(current_token)]
