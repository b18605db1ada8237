"""Every statement about users."""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.models import User

# Every signed-in request runs this one to know who asks. Built once, it is not rebuilt,
# nor its cache key computed again, on each request.
_BY_ID = select(User).where(User.id == bindparam("user_id"))


async def get_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.scalar(_BY_ID, {"user_id": user_id})


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
