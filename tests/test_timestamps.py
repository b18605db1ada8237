"""Timestamps keep microseconds and come back as aware UTC datetimes on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pressroom.db.dialects import wire_timestamp
from pressroom.kit.timefmt import iso_ms
from pressroom.models import Article, User
from tests.factories import make_article, make_user

PRECISE = datetime(2026, 11, 24, 10, 11, 12, 345678, tzinfo=UTC)


def test_round_trip_keeps_microseconds_and_utc(session: Session) -> None:
    article = make_article(session, make_user(session), published_at=PRECISE)
    session.expunge_all()
    stored = session.scalar(select(Article.published_at).where(Article.id == article.id))
    assert stored == PRECISE
    assert stored is not None
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored.microsecond == 345678


def test_other_time_zones_are_stored_as_the_same_instant(session: Session) -> None:
    paris_winter = timezone(timedelta(hours=1))
    local = PRECISE.astimezone(paris_winter)
    article = make_article(session, make_user(session), published_at=local)
    session.expunge_all()
    stored = session.scalar(select(Article.published_at).where(Article.id == article.id))
    assert stored == PRECISE
    assert stored is not None
    assert stored.utcoffset() == timedelta(0)


def test_the_database_holds_utc_not_local_time(session: Session) -> None:
    article = make_article(session, make_user(session), published_at=PRECISE)
    raw = session.execute(
        text("SELECT published_at FROM articles WHERE id = :id"), {"id": article.id}
    ).scalar_one()
    as_text = raw.isoformat(sep=" ") if isinstance(raw, datetime) else str(raw)
    assert as_text.startswith("2026-11-24 10:11:12.345678")


def test_a_naive_datetime_is_refused(session: Session) -> None:
    author = make_user(session)
    with pytest.raises(StatementError, match="naive datetime"):
        make_article(session, author, published_at=datetime(2026, 1, 1, 12, 0))


def test_defaults_are_aware_utc(session: Session) -> None:
    user = make_user(session)
    session.expunge_all()
    created = session.scalar(select(User.created_at).where(User.id == user.id))
    assert created is not None
    assert created.utcoffset() == timedelta(0)


async def test_round_trip_on_the_async_driver(async_session: AsyncSession) -> None:
    user = User(username="tz-async", email="tz-async@example.org", password_hash="x")
    async_session.add(user)
    await async_session.flush()
    article = Article(title="t", description="d", body="b", author_id=user.id, published_at=PRECISE)
    async_session.add(article)
    await async_session.flush()
    async_session.expunge_all()
    stored = await async_session.scalar(
        select(Article.published_at).where(Article.id == article.id)
    )
    assert stored == PRECISE
    assert stored is not None
    assert stored.utcoffset() == timedelta(0)


def test_a_new_row_was_updated_when_it_was_created(session: Session) -> None:
    author = make_user(session)
    articles = [make_article(session, author) for _ in range(20)]
    session.expunge_all()
    rows = session.execute(
        select(Article.created_at, Article.updated_at).where(
            Article.id.in_([a.id for a in articles])
        )
    ).all()
    assert all(created == updated for created, updated in rows)
    assert author.created_at == author.updated_at


# Truncated, not rounded, milliseconds; another zone; the edges of a second and a year.
WIRE_MOMENTS = [
    PRECISE,
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 30, 0, 1500, tzinfo=timezone(timedelta(hours=2))),
]


def test_the_database_writes_timestamps_as_iso_ms_does(session: Session) -> None:
    author = make_user(session)
    articles = [make_article(session, author, published_at=moment) for moment in WIRE_MOMENTS]
    session.expunge_all()
    rows = session.execute(
        select(wire_timestamp(Article.published_at))
        .where(Article.id.in_([article.id for article in articles]))
        .order_by(Article.id)
    ).scalars()
    assert list(rows) == [iso_ms(moment) for moment in WIRE_MOMENTS]


async def test_the_database_writes_timestamps_as_iso_ms_does_on_the_async_driver(
    async_session: AsyncSession,
) -> None:
    user = User(username="tz-wire", email="tz-wire@example.org", password_hash="x")
    async_session.add(user)
    await async_session.flush()
    articles = [
        Article(title=f"t{n}", description="d", body="b", author_id=user.id, published_at=moment)
        for n, moment in enumerate(WIRE_MOMENTS)
    ]
    async_session.add_all(articles)
    await async_session.flush()
    # created_at and updated_at as every write stores them: the clock's own microseconds.
    rows = await async_session.execute(
        select(
            wire_timestamp(Article.published_at),
            wire_timestamp(Article.created_at),
            Article.created_at,
        )
        .where(Article.id.in_([article.id for article in articles]))
        .order_by(Article.id)
    )
    expected = [iso_ms(moment) for moment in WIRE_MOMENTS]
    found = rows.all()
    assert [published for published, _, _ in found] == expected
    assert all(text == iso_ms(created) for _, text, created in found)
