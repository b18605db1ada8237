"""Every statement about users."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Row, String, bindparam, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.base import Base
from pressroom.db.dialects import insert_once
from pressroom.db.rows import Reads, read_rows
from pressroom.kit.clock import utc_now
from pressroom.models import RevokedToken, User

_REVOKED_TOKENS = Base.metadata.tables[RevokedToken.__tablename__]
# Whether the token with this id was signed out with; never, for a token with no id (NULL).
_REVOKED = exists().where(RevokedToken.token_id == bindparam("token_id", type_=String))

# Every signed-in request runs one of these two to know who asks, and whether their token
# still holds. Built once, they are not rebuilt, nor their cache keys computed again, on
# each request.
_HOLDER_BY_ID = select(User, _REVOKED).where(User.id == bindparam("user_id"))
# What a read needs to know of its reader: that they exist, and what their token must
# match. Columns, not a User: a read has no session to load one into.
_TOKEN_CHECK_BY_ID = select(User.password_hash, User.token_generation, _REVOKED).where(
    User.id == bindparam("user_id")
)


class TokenHolder(NamedTuple):
    user: User
    revoked: bool  # the token itself was signed out with


async def token_holder(
    session: AsyncSession, user_id: int, token_id: str | None
) -> TokenHolder | None:
    """The user a token names, and whether that token was signed out with; None if there
    is no such user. One statement, as every signed-in request runs it."""
    row = (await session.execute(_HOLDER_BY_ID, {"user_id": user_id, "token_id": token_id})).first()
    return None if row is None else TokenHolder(row[0], bool(row[1]))


_ID_BY_USERNAME = select(User.id, User.username).where(
    User.username == bindparam("username", type_=User.username.type)
)


def token_check_of(reads: Reads, user_id: int, token_id: str | None) -> Row[str, int, bool] | None:
    """The user's password hash and token generation, and whether the token with this id
    was signed out with, to check a token against; None if there is no such user."""
    found = read_rows(reads, _TOKEN_CHECK_BY_ID, {"user_id": user_id, "token_id": token_id})
    return found.one_or_none()


async def revoke_token(session: AsyncSession, token_id: str, expires_at: datetime) -> None:
    """Refuse the token with this id from now on, until it expires anyway; the expired
    revocations, which nothing can match any more, are deleted as this one comes in.

    Signing out twice with one token at once leaves one row and raises nothing."""
    await session.execute(delete(RevokedToken).where(RevokedToken.expires_at <= utc_now()))
    revoke = insert_once(_REVOKED_TOKENS, session.get_bind().dialect.name)
    await session.execute(revoke, {"token_id": token_id, "expires_at": expires_at})


def id_and_username(reads: Reads, username: str) -> Row[int, str] | None:
    """The user's id and username as stored, by username; None if there is none."""
    return read_rows(reads, _ID_BY_USERNAME, {"username": username}).one_or_none()


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def taken_fields(
    session: AsyncSession, *, username: str | None, email: str | None, except_id: int | None = None
) -> set[str]:
    """Which of ``username`` and ``email`` another user already has."""
    conditions = []
    if username is not None:
        conditions.append(User.username == username)
    if email is not None:
        conditions.append(User.email == email)
    if not conditions:
        return set()
    statement = select(User.username, User.email).where(or_(*conditions))
    if except_id is not None:
        statement = statement.where(User.id != except_id)
    taken: set[str] = set()
    for other_username, other_email in await session.execute(statement):
        if other_username == username:
            taken.add("username")
        if other_email == email:
            taken.add("email")
    return taken
