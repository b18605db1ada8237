"""The seeded rows, table by table, generated lazily and identically for the same seed.

Each table draws from its own random stream, so changing the number of comments does not
change the articles. Ids are given, not read back: link rows refer to the ids the rows
before them were given.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from pressroom.kit.words import count_words
from pressroom.transfer.seed import words
from pressroom.transfer.seed.writing import Writer, ascii_slug

Row = dict[str, Any]

DAY = 86_400
HISTORY = 730 * DAY  # published times spread over the two years before the anchor
LEAD_TIME = HISTORY + 365 * DAY  # users joined in the year before the history starts
SCHEDULE_MIN, SCHEDULE_MAX = 2 * DAY, 60 * DAY  # scheduled articles stay in the future
DRAFT_SHARE, SCHEDULED_SHARE = 0.10, 0.05
TAGS_PER_ARTICLE = (1, 2, 3, 4, 5)
TAGS_PER_ARTICLE_WEIGHTS = (15, 30, 30, 15, 10)
ZIPF_EXPONENT = 1.1
EMAIL_DOMAIN = "example.com"


def stream(seed: int, table: str) -> random.Random:
    """The random stream of one table (string seeds are hashed stably, unlike ``hash()``)."""
    return random.Random(f"pressroom-seed:{seed}:{table}")  # noqa: S311 - sample data, no secret


def spread(total: int, slots: int, cap: int, rng: random.Random) -> list[int]:
    """Split ``total`` over ``slots`` with a long tail (a few take many), none above ``cap``."""
    total = min(total, slots * cap)
    if total <= 0:
        return [0] * slots
    weights = [rng.paretovariate(1.2) for _ in range(slots)]
    scale = total / sum(weights)
    counts = [min(cap, int(weight * scale)) for weight in weights]
    left = total - sum(counts)
    heaviest_first = sorted(range(slots), key=weights.__getitem__, reverse=True)
    while left:
        for slot in heaviest_first:
            if counts[slot] < cap:
                counts[slot] += 1
                left -= 1
                if not left:
                    break
    return counts


def tag_names(count: int) -> list[str]:
    """Real-looking tag names, the popular ones first; compounds once the list runs out."""
    names = list(words.TAG_NAMES[:count])
    qualifiers = iter(
        f"{qualifier}-{name}" for qualifier in words.TAG_QUALIFIERS for name in words.TAG_NAMES
    )
    number = 1
    while len(names) < count:
        extra = next(qualifiers, None)
        names.append(extra if extra is not None else f"topic-{number}")
        number += 1
    return names


def zipf_cumulative_weights(count: int) -> list[float]:
    """Cumulative weights 1/rank^s: the first few are drawn often, most rarely."""
    return list(accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, count + 1)))


@dataclass
class Published:
    """The published articles, remembered compactly so comments and favorites can follow them."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    times: array[int] = field(default_factory=lambda: array("q"))  # epoch seconds
    # Every seeded article's publication time, in id order: epoch seconds, NO_TIME for a
    # draft. Tag links carry a copy.
    every_time: array[int] = field(default_factory=lambda: array("q"))

    def __len__(self) -> int:
        return len(self.ids)


NO_TIME = -1


@dataclass(frozen=True)
class Layout:
    """Where the seeded rows go: the first free id per table and the moment times lead up to."""

    seed: int
    anchor: datetime
    first_user_id: int
    first_article_id: int
    first_comment_id: int

    @property
    def anchor_epoch(self) -> int:
        return int(self.anchor.timestamp())


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def users(layout: Layout, count: int, password_hash: str) -> Iterator[Row]:
    """Users named after famous programmers, made unique by their id."""
    rng = stream(layout.seed, "users")
    writer = Writer(rng)
    # Everyone joined before the first article, in the year before the history starts.
    joined_from = layout.anchor_epoch - LEAD_TIME
    for user_id in range(layout.first_user_id, layout.first_user_id + count):
        username = f"{rng.choice(words.FIRST_NAMES)}_{rng.choice(words.LAST_NAMES)}{user_id}"
        joined = _at(joined_from + rng.random() * 330 * DAY)
        yield {
            "id": user_id,
            "username": username,
            "email": f"{username}@{EMAIL_DOMAIN}",
            "password_hash": password_hash,
            "bio": writer.bio(),
            "image": None,
            "created_at": joined,
            "updated_at": joined,
        }


def follows(layout: Layout, user_count: int, total: int) -> Iterator[Row]:
    """Each user follows a few others (some follow many); never themselves, never twice."""
    rng = stream(layout.seed, "follows")
    start = layout.anchor_epoch - HISTORY
    for index, count in enumerate(spread(total, user_count, user_count - 1, rng)):
        for other in rng.sample(range(user_count - 1), count):
            followee = other + 1 if other >= index else other
            yield {
                "follower_id": layout.first_user_id + index,
                "followee_id": layout.first_user_id + followee,
                "created_at": _at(start + rng.random() * HISTORY),
            }


def author_weights(layout: Layout, user_count: int) -> list[float]:
    """Cumulative weights over the seeded users: a few prolific authors, many occasional."""
    rng = stream(layout.seed, "authors")
    return list(accumulate(rng.paretovariate(1.5) for _ in range(user_count)))


def articles(layout: Layout, count: int, user_count: int, published: Published) -> Iterator[Row]:
    """Articles: ~10% drafts, ~5% scheduled, the rest published over the past two years.

    Every slug ends with the article's id: titles repeat across a million articles, and
    Core inserts skip the ORM event that would otherwise pick a free slug.
    """
    rng = stream(layout.seed, "articles")
    writer = Writer(rng)
    author_ids = range(layout.first_user_id, layout.first_user_id + user_count)
    cumulative = author_weights(layout, user_count)
    anchor = layout.anchor_epoch
    for article_id in range(layout.first_article_id, layout.first_article_id + count):
        title = writer.title()
        version = 1
        roll = rng.random()
        if roll < DRAFT_SHARE:
            created = anchor - rng.random() * HISTORY
            updated = created + rng.random() * min(60 * DAY, anchor - created)
            published_at = None
            published.every_time.append(NO_TIME)
        elif roll < DRAFT_SHARE + SCHEDULED_SHARE:
            created = anchor - rng.random() * 60 * DAY
            updated = created + rng.random() * (anchor - created)
            due = int(anchor + rng.uniform(SCHEDULE_MIN, SCHEDULE_MAX))
            published_at = _at(due)
            published.every_time.append(due)
        else:
            moment = int(anchor - rng.random() * HISTORY)
            created = moment - rng.random() * 14 * DAY
            updated = moment
            if rng.random() < 0.3:  # edited after publication
                updated = moment + rng.random() * min(30 * DAY, anchor - moment)
                version = 2
            published_at = _at(moment)
            published.ids.append(article_id)
            published.times.append(moment)
            published.every_time.append(moment)
        slug = ascii_slug(title)
        description = writer.description()
        body = writer.body()
        yield {
            "id": article_id,
            "slug": f"{slug}-{article_id}",
            "title": title,
            "description": description,
            "body": body,
            "word_count": count_words(body),
            "author_id": rng.choices(author_ids, cum_weights=cumulative)[0],
            "published_at": published_at,
            "created_at": _at(created),
            "updated_at": _at(max(created, updated)),
            "version": version,
        }


def article_tags(
    layout: Layout, article_count: int, tag_ids: Sequence[int], published: Published
) -> Iterator[Row]:
    """One to five tags per article, drawn with a long tail: a few tags are everywhere."""
    if not tag_ids:
        return
    rng = stream(layout.seed, "article_tags")
    cumulative = zipf_cumulative_weights(len(tag_ids))
    first = layout.first_article_id
    for article_id in range(first, first + article_count):
        how_many = rng.choices(TAGS_PER_ARTICLE, weights=TAGS_PER_ARTICLE_WEIGHTS)[0]
        chosen = rng.choices(tag_ids, cum_weights=cumulative, k=how_many)
        time = published.every_time[article_id - first]
        published_at = None if time == NO_TIME else _at(time)
        for tag_id in dict.fromkeys(chosen):
            yield {"article_id": article_id, "tag_id": tag_id, "published_at": published_at}


def favorites(layout: Layout, user_count: int, total: int, published: Published) -> Iterator[Row]:
    """Favorites of published articles, after their publication; some readers favorite a lot."""
    rng = stream(layout.seed, "favorites")
    anchor = layout.anchor_epoch
    for index, count in enumerate(spread(total, user_count, len(published), rng)):
        for position in sorted(rng.sample(range(len(published)), count)):
            since = published.times[position]
            yield {
                "user_id": layout.first_user_id + index,
                "article_id": published.ids[position],
                "created_at": _at(since + rng.random() * (anchor - since)),
            }


def comments(layout: Layout, count: int, user_count: int, published: Published) -> Iterator[Row]:
    """Comments on published articles, some articles drawing many; written after publication."""
    if not len(published) or not user_count:
        return
    rng = stream(layout.seed, "comments")
    writer = Writer(rng)
    anchor = layout.anchor_epoch
    total = len(published)
    for comment_id in range(layout.first_comment_id, layout.first_comment_id + count):
        position = int(total * rng.random() ** 2)  # squared: early positions draw more
        since = published.times[position]
        written = _at(since + rng.random() * (anchor - since))
        yield {
            "id": comment_id,
            "body": writer.comment(),
            "article_id": published.ids[position],
            "author_id": layout.first_user_id + rng.randrange(user_count),
            "created_at": written,
            "updated_at": written,
        }
