"""The most used tags, chosen among the most released ones (``tags.repository``), are
exactly the first of the full list, whatever share of each tag's articles is still
scheduled, and however the ties fall."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.rows import read_in
from pressroom.kit.clock import utc_now
from pressroom.models import Article, Tag, TagScheduledHour, User, article_tags
from pressroom.models.site import first_hour_ahead
from pressroom.tags import repository

TAGS = 48
SOON_ARTICLES = 6  # scheduled within the current hour, each with some of the tags


@dataclass
class TagCounts:
    name: str
    released: int  # published or scheduled
    later: list[int]  # scheduled articles in each of the hours ahead that hold some
    this_hour: int  # scheduled within the current hour

    @property
    def uses(self) -> int:
        return self.released - sum(self.later) - self.this_hour


def _tag_counts(rng: random.Random) -> list[TagCounts]:
    """Tags whose released counts often disagree with their uses: some are released on
    many articles that are mostly still scheduled; many share a count."""
    tags = []
    for n in range(TAGS):
        released = rng.choice([0, 1, 2, 3, 5, 8, 8, 8, 13, 20, 30, 30])
        scheduled = rng.randint(0, released) if rng.random() < 0.4 else 0
        this_hour = min(rng.randint(0, 2), scheduled, SOON_ARTICLES)
        later, left = [], scheduled - this_hour
        while left:
            in_hour = rng.randint(1, left)
            later.append(in_hour)
            left -= in_hour
        tags.append(TagCounts(f"tag{n:02}", released, later, this_hour))
    return tags


async def _soon() -> datetime:
    """A moment within the current hour and well ahead of now: waits for the next hour
    first if this one is nearly over."""
    now, next_hour = utc_now(), first_hour_ahead()
    if next_hour - now < timedelta(minutes=1):
        await asyncio.sleep((next_hour - now).total_seconds() + 0.1)
        now, next_hour = utc_now(), first_hour_ahead()
    return now + (next_hour - now) / 2


async def _store(session: AsyncSession, tags: list[TagCounts], soon: datetime) -> None:
    author = User(username="tagger", email="tagger@example.org", password_hash="x")
    session.add(author)
    await session.flush()
    articles = [
        Article(
            title=f"Soon {n}", description="d", body="b", author_id=author.id, published_at=soon
        )
        for n in range(SOON_ARTICLES)
    ]
    past = Article(title="Past", description="d", body="b", author_id=author.id)
    past.published_at = soon - timedelta(days=2)
    session.add_all([*articles, past])
    await session.flush()
    ids = (
        (
            await session.execute(
                insert(Tag).returning(Tag.id, sort_by_parameter_order=True),
                [{"name": tag.name, "released_articles": tag.released} for tag in tags],
            )
        )
        .scalars()
        .all()
    )
    next_hour = first_hour_ahead()
    hours, links = [], []
    for tag_id, tag in zip(ids, tags, strict=True):
        hours += [
            {"tag_id": tag_id, "hour": next_hour + timedelta(hours=3 * n), "articles": count}
            for n, count in enumerate(tag.later)
        ]
        # An hour gone by is never read, whatever it still holds.
        hours.append({"tag_id": tag_id, "hour": next_hour - timedelta(hours=5), "articles": 7})
        links += [
            {"article_id": article.id, "tag_id": tag_id, "published_at": soon}
            for article in articles[: tag.this_hour]
        ]
        if tag.uses > 0:  # a link published already: one of the articles it is visible on
            links.append(
                {"article_id": past.id, "tag_id": tag_id, "published_at": past.published_at}
            )
    await session.execute(insert(TagScheduledHour), hours)
    await session.execute(insert(article_tags), links)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_top_is_the_first_of_the_full_list(
    async_session: AsyncSession, seed: int
) -> None:
    tags = _tag_counts(random.Random(seed))
    await _store(async_session, tags, await _soon())
    expected = sorted((tag for tag in tags if tag.uses > 0), key=lambda t: (-t.uses, t.name))
    assert len({tag.uses for tag in expected}) < len(expected)  # ties to break by name
    names = [tag.name for tag in expected]
    assert await read_in(async_session, repository.list_counts) == [
        (t.name, t.uses) for t in expected
    ]
    assert await read_in(async_session, repository.list_popular) == names
    for places in range(1, TAGS + 2):
        assert await read_in(async_session, repository.list_popular, places) == names[:places], (
            places
        )


async def test_a_tag_released_most_but_mostly_scheduled_is_not_on_top(
    async_session: AsyncSession,
) -> None:
    tags = [
        TagCounts("ahead", 100, [40, 40], 10),  # released most, visible on 10
        *(TagCounts(f"t{n}", 20 + n, [], 0) for n in range(3)),
        TagCounts("unseen", 50, [50], 0),  # nothing visible yet
    ]
    await _store(async_session, tags, await _soon())
    assert await read_in(async_session, repository.list_popular, 1) == ["t2"]
    assert await read_in(async_session, repository.list_popular, 3) == ["t2", "t1", "t0"]
    assert await read_in(async_session, repository.list_popular, 5) == ["t2", "t1", "t0", "ahead"]


async def test_no_tags_no_top(async_session: AsyncSession) -> None:
    assert await read_in(async_session, repository.list_popular, 20) == []
