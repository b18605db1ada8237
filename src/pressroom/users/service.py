"""Registration, login and settings: the rules, never the transaction (the edge commits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update as update_rows
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.errors import Conflict
from pressroom.models import User
from pressroom.models.users import normalize_email
from pressroom.users import repository, throttle
from pressroom.users.schemas import NewUser, UpdateUser
from pressroom.users.security import TokenClaims, hash_password, verify_password

TAKEN = "has already been taken"


async def _refuse_taken(
    session: AsyncSession, *, username: str | None, email: str | None, except_id: int | None = None
) -> None:
    taken = await repository.taken_fields(
        session, username=username, email=email, except_id=except_id
    )
    if taken:
        raise Conflict.on_fields(sorted(taken), TAKEN)


async def _flush_or_conflict(session: AsyncSession) -> None:
    # Another request may take the name between the check and the insert.
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("username", TAKEN) from None


async def register(session: AsyncSession, data: NewUser) -> User:
    # Hashed before the first statement, so the write transaction (on SQLite, the lock
    # every writer waits for) is not held open while Argon2 takes its time.
    password_hash = await hash_password(data.password)
    email = normalize_email(data.email)
    await _refuse_taken(session, username=data.username, email=email)
    user = User(username=data.username, email=email, password_hash=password_hash)
    session.add(user)
    await _flush_or_conflict(session)
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    """The user with this e-mail and password; None for a wrong password or an unknown
    e-mail alike."""
    user = await repository.get_by_email(session, normalize_email(email))
    # Verify even for an unknown e-mail, so timing does not tell which addresses exist.
    if not await verify_password(password, user.password_hash if user else None) or user is None:
        return None
    return user


async def check_password(
    reads: AsyncSession, limits: throttle.Limits, attempt: throttle.Attempt, password: str
) -> User | None:
    """The user the attempt's e-mail and ``password`` name, or None; raises
    TooManyRequests past the limits, before the password is read.

    It only reads, in ``reads``, which it closes before it returns or raises: Argon2 takes
    its time on purpose, and the request's write transaction (on SQLite, the lock every
    writer waits for) must not be open meanwhile. Count the outcome with
    :func:`count_attempt` afterwards.
    """
    try:
        await throttle.refuse_if_throttled(reads, limits, attempt)
        return await authenticate(reads, attempt.account, password)
    finally:
        await reads.close()


async def count_attempt(
    session: AsyncSession, limits: throttle.Limits, attempt: throttle.Attempt, succeeded: bool
) -> None:
    """Count a failed attempt against the limits, or forgive the earlier failures after a
    success, in ``session``: it must be committed even when the request then fails."""
    if succeeded:
        await throttle.forget_failures(session, attempt)
    else:
        await throttle.record_failure(session, limits, attempt)


async def sign_in(
    reads: AsyncSession,
    session: AsyncSession,
    limits: throttle.Limits,
    attempt: throttle.Attempt,
    password: str,
) -> User | None:
    """The user signing in, or None after counting a failure in ``session``; raises
    TooManyRequests past the limits."""
    user = await check_password(reads, limits, attempt, password)
    await count_attempt(session, limits, attempt, user is not None)
    return user


@dataclass(frozen=True, slots=True)
class Confirmation:
    """Whether a password confirmed that a request comes from its user, checked as a
    sign-in, for what a session or token alone may not do."""

    confirmed: bool
    attempt: throttle.Attempt
    limits: throttle.Limits

    async def count(self, session: AsyncSession) -> None:
        """Count it against the sign-in limits (see :func:`count_attempt`)."""
        await count_attempt(session, self.limits, self.attempt, self.confirmed)


async def confirm(
    reads: AsyncSession, limits: throttle.Limits, user: User, password: str, address: str | None
) -> Confirmation:
    """Whether ``password`` is ``user``'s, checked as a sign-in from ``address`` (see
    :func:`check_password`: TooManyRequests past the limits, and ``reads`` closed). Count
    the confirmation in the write session afterwards, the wrong password above all."""
    attempt = throttle.Attempt.of(user.email, address)
    found = await check_password(reads, limits, attempt, password)
    return Confirmation(found is not None and found.id == user.id, attempt, limits)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a settings update changes, ready to write: a new password already hashed."""

    fields: dict[str, Any]
    password_hash: str | None


async def changes_of(data: UpdateUser) -> Changes:
    """``data`` ready to write. A new password is hashed here, before the request reads its
    user in the write session: that read begins the write transaction (on SQLite, the lock
    every writer waits for), which Argon2 must not hold open."""
    fields = data.model_dump(exclude_unset=True)
    password = fields.pop("password", None)
    if fields.get("email") is not None:
        fields["email"] = normalize_email(fields["email"])
    return Changes(fields, None if password is None else await hash_password(password))


async def update(session: AsyncSession, user: User, changes: Changes) -> User:
    fields = changes.fields
    username = fields.get("username")
    email = fields.get("email")
    await _refuse_taken(
        session,
        username=username if username != user.username else None,
        email=email if email != user.email else None,
        except_id=user.id,
    )
    if changes.password_hash is not None:
        user.password_hash = changes.password_hash
    for field in ("username", "email"):
        if fields.get(field) is not None:
            setattr(user, field, fields[field])
    for field in ("bio", "image"):
        if field in fields:
            setattr(user, field, fields[field] or None)
    await _flush_or_conflict(session)
    return user


async def end_every_session(session: AsyncSession, user: User) -> None:
    """Sign ``user`` out everywhere: every token issued to them so far stops working.

    The generation is raised in the database, not read and written back, so two of these at
    once both count; the loaded ``user`` is brought up to date with it.
    """
    await session.execute(
        update_rows(User)
        .where(User.id == user.id)
        .values(token_generation=User.token_generation + 1)
    )


async def end_this_session(session: AsyncSession, user: User, token: TokenClaims) -> None:
    """Sign ``user`` out with this one token: it is refused from now on, wherever it is
    sent from, while their other tokens still work.

    A token issued before tokens had ids cannot be named alone: signing out with it signs
    out everywhere, so that it stops working all the same.
    """
    if token.token_id is None:
        await end_every_session(session, user)
        return
    await repository.revoke_token(session, token.token_id, token.expires_at)
