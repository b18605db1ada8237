"""Every statement about users."""

from __future__ import annotations

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.rows import Reads, read_rows
from pressroom.models import User

# Every signed-in request runs this one to know who asks. Built once, it is not rebuilt,
# nor its cache key computed again, on each request.
_BY_ID = select(User).where(User.id == bindparam("user_id"))


async def get_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.scalar(_BY_ID, {"user_id": user_id})


# What a read needs to know of its reader: that they exist, and what their token must
# match. Columns, not a User: a read has no session to load one into.
_TOKEN_CHECK_BY_ID = select(User.password_hash, User.token_generation).where(
    User.id == bindparam("user_id")
)
_ID_BY_USERNAME = select(User.id, User.username).where(
    User.username == bindparam("username", type_=User.username.type)
)


async def token_check_of(reads: Reads, user_id: int) -> Row[str, int] | None:
    """The user's password hash and token generation, to check a token against; None if
    there is no such user."""
    found = await read_rows(reads, _TOKEN_CHECK_BY_ID, {"user_id": user_id})
    return found.one_or_none()


async def id_and_username(reads: Reads, username: str) -> Row[int, str] | None:
    """The user's id and username as stored, by username; None if there is none."""
    return (await read_rows(reads, _ID_BY_USERNAME, {"username": username})).one_or_none()


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
