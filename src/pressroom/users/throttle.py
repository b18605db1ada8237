"""Slowing down password guessing: failed sign-ins per account and per client address.

Past ``per_account`` failures for one e-mail, or ``per_address`` from one address, within
the window, sign-ins answer 429 with ``Retry-After`` until the oldest failure leaves the
window, whatever the password. The check comes before the password is verified, so a
guesser learns nothing more, and spends none of the server's Argon2 time, once throttled.
An unknown e-mail counts like a wrong password: the answers never tell them apart.

The failures live in the database, so every app server counts the same ones. They are
read where reads go (a replica may lag a moment behind), and two requests racing may
each get one more try than the limit; that is the whole error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pressroom.config import Settings
from pressroom.errors import TooManyRequests
from pressroom.kit.clock import utc_now
from pressroom.models import FailedSignIn
from pressroom.models.sign_ins import ADDRESS_MAX


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            settings.sign_in_failures_per_account,
            settings.sign_in_failures_per_address,
            timedelta(seconds=settings.sign_in_window_seconds),
        )


@dataclass(frozen=True)
class Attempt:
    account: str  # the normalized e-mail, as given
    address: str  # the client's address

    @classmethod
    def of(cls, account: str, address: str | None) -> Attempt:
        return cls(account, (address or "unknown")[:ADDRESS_MAX])


def _failures_since(column: InstrumentedAttribute[str], value: str, since: datetime) -> list[Any]:
    """How many failures ``column`` = ``value`` had since ``since``, and the oldest."""
    recent = (FailedSignIn.failed_at > since, column == value)
    return [
        select(func.count()).select_from(FailedSignIn).where(*recent).scalar_subquery(),
        select(func.min(FailedSignIn.failed_at)).where(*recent).scalar_subquery(),
    ]


async def refuse_if_throttled(session: AsyncSession, limits: Limits, attempt: Attempt) -> None:
    """Raise TooManyRequests when the account or the address is over its limit (one
    statement, two index ranges)."""
    now = utc_now()
    since = now - limits.window
    row = (
        await session.execute(
            select(
                *_failures_since(FailedSignIn.account, attempt.account, since),
                *_failures_since(FailedSignIn.address, attempt.address, since),
            )
        )
    ).one()
    account_count, account_oldest, address_count, address_oldest = row
    blocked_until = [
        oldest + limits.window
        for count, oldest, limit in (
            (account_count, account_oldest, limits.per_account),
            (address_count, address_oldest, limits.per_address),
        )
        if count >= limit and oldest is not None
    ]
    if blocked_until:
        wait = max(math.ceil((max(blocked_until) - now).total_seconds()), 1)
        raise TooManyRequests(
            "credentials",
            f"too many failed sign-ins; try again in {wait} seconds",
            retry_after_seconds=wait,
        )


async def record_failure(session: AsyncSession, limits: Limits, attempt: Attempt) -> None:
    """Count a failed sign-in, and drop the failures that left the window."""
    now = utc_now()
    await session.execute(delete(FailedSignIn).where(FailedSignIn.failed_at <= now - limits.window))
    await session.execute(
        insert(FailedSignIn).values(account=attempt.account, address=attempt.address, failed_at=now)
    )


async def forget_failures(session: AsyncSession, attempt: Attempt) -> None:
    """After a successful sign-in, the account starts afresh (its address does not)."""
    await session.execute(delete(FailedSignIn).where(FailedSignIn.account == attempt.account))
