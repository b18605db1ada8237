"""A realistic publication, generated from a seed and written in batches of Core inserts.

The same seed on an empty database writes exactly the same rows. Seeding a database that
already has data adds to it: ids continue after the largest ones, tags with the same name
are shared, and a seeded username or slug that happens to be taken gets a random suffix.
Every seeded user logs in with :data:`SEED_PASSWORD`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Protocol

from argon2 import PasswordHasher
from sqlalchemy import Column, Table, insert, select
from sqlalchemy.orm import Session

from pressroom.articles import recounting
from pressroom.db.base import Base
from pressroom.db.dialects import (
    advance_id_sequence,
    next_free_id,
    refresh_planner_statistics,
)
from pressroom.kit.clock import utc_now
from pressroom.kit.slugs import with_suffix
from pressroom.models import article_tags, favorites, follows
from pressroom.transfer.seed import rows
from pressroom.transfer.seed.rows import EMAIL_DOMAIN, Layout, Published, Row

SEED_PASSWORD = "pressroom-seed"  # noqa: S105 - documented on purpose: log in as any seeded user
BATCH_SIZE = 2000
_RENAME_ATTEMPTS = 8

USERS = Base.metadata.tables["users"]
TAGS = Base.metadata.tables["tags"]
ARTICLES = Base.metadata.tables["articles"]
COMMENTS = Base.metadata.tables["comments"]
_ALL_TABLES = (USERS, TAGS, follows, ARTICLES, article_tags, favorites, COMMENTS)


class Advance(Protocol):
    def __call__(self, rows: int) -> None: ...


# (description, total) -> a context yielding advance(rows): the CLI passes its progress bar.
ProgressFactory = Callable[[str, int | None], AbstractContextManager[Advance]]


def _no_progress(description: str, total: int | None) -> AbstractContextManager[Advance]:
    return nullcontext(lambda rows: None)


class SeedError(ValueError):
    """The plan cannot be seeded; the message says why."""


@dataclass(frozen=True)
class SeedPlan:
    """How much to generate, from which seed, around which moment."""

    users: int = 50
    articles: int = 500
    comments: int = 5000
    tags: int = 100
    follows: int = 250
    favorites: int = 2500
    seed: int = 1
    # Times are laid out before this moment (scheduled ones after it): by default the start
    # of the current UTC day, so the same seed gives the same rows all day long.
    anchor: datetime = field(
        default_factory=lambda: utc_now().replace(hour=0, minute=0, second=0, microsecond=0)
    )

    def check(self) -> None:
        """Refuse a plan that cannot be generated."""
        for name in ("users", "articles", "comments", "tags", "follows", "favorites"):
            if getattr(self, name) < 0:
                raise SeedError(f"--{name} cannot be negative")
        if self.users == 0 and (self.articles or self.comments or self.follows or self.favorites):
            raise SeedError("articles, comments, follows and favorites need --users of 1 or more")
        if self.anchor.tzinfo is None:
            raise SeedError("the anchor time needs a time zone")
        if self.anchor > utc_now():
            raise SeedError(
                "--as-of cannot be in the future: the articles seeded as published "
                "would not be published yet"
            )
        earliest = datetime.min.replace(tzinfo=UTC) + timedelta(seconds=rows.LEAD_TIME)
        if self.anchor < earliest:
            raise SeedError(
                f"--as-of cannot be before {earliest.date().isoformat()}: seeded users join "
                "up to three years before it, and dates start at year 1"
            )


@dataclass
class SeedResult:
    """Rows written per table (fewer follows or favorites than asked when there is no room)."""

    counts: dict[str, int] = field(default_factory=dict)


def batched(items: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _next_id(session: Session, table: Table) -> int:
    return next_free_id(session.connection(), table)


def _taken(session: Session, column: Column[str], values: Sequence[str]) -> set[str]:
    return set(session.scalars(select(column).where(column.in_(values))))


def _rename_users(session: Session, batch: list[Row]) -> None:
    """Give seeded users whose username or e-mail is taken a random suffix instead."""
    for _ in range(_RENAME_ATTEMPTS):
        names = _taken(session, USERS.c.username, [row["username"] for row in batch])
        emails = _taken(session, USERS.c.email, [row["email"] for row in batch])
        clashes = [row for row in batch if row["username"] in names or row["email"] in emails]
        if not clashes:
            return
        for row in clashes:
            row["username"] = with_suffix(row["username"])
            row["email"] = f"{row['username']}@{EMAIL_DOMAIN}"
    raise SeedError("could not find free usernames for the seeded users")


def _rename_slugs(session: Session, batch: list[Row]) -> None:
    """Give seeded articles whose slug is taken a random suffix instead."""
    for _ in range(_RENAME_ATTEMPTS):
        taken = _taken(session, ARTICLES.c.slug, [row["slug"] for row in batch])
        if not taken:
            return
        for row in batch:
            if row["slug"] in taken:
                row["slug"] = with_suffix(row["slug"])
    raise SeedError("could not find free slugs for the seeded articles")


class _Writer:
    """Inserts row streams in batches, one progress bar per table."""

    def __init__(self, session: Session, progress: ProgressFactory) -> None:
        self.session = session
        self.progress = progress
        self.result = SeedResult()

    def write(
        self,
        table: Table,
        stream: Iterable[Row],
        total: int | None,
        before_insert: Callable[[Session, list[Row]], None] | None = None,
    ) -> None:
        written = 0
        with self.progress(table.name, total) as advance:
            for batch in batched(stream, BATCH_SIZE):
                if before_insert is not None:
                    before_insert(self.session, batch)
                self.session.execute(insert(table), batch)
                written += len(batch)
                advance(len(batch))
        self.result.counts[table.name] = self.result.counts.get(table.name, 0) + written


def _tag_ids(session: Session, names: list[str], first_id: int, writer: _Writer) -> list[int]:
    """Ids of the seed's tags, most popular first: existing tags are shared, the rest created."""
    existing: dict[str, int] = {}
    for start in range(0, len(names), BATCH_SIZE):
        chunk = names[start : start + BATCH_SIZE]
        found = session.execute(select(TAGS.c.name, TAGS.c.id).where(TAGS.c.name.in_(chunk)))
        existing.update((name, tag_id) for name, tag_id in found)
    missing = [name for name in names if name not in existing]
    created = {name: first_id + index for index, name in enumerate(missing)}
    new_rows = ({"id": tag_id, "name": name} for name, tag_id in created.items())
    writer.write(TAGS, new_rows, len(missing))
    return [existing.get(name) or created[name] for name in names]


def seed(session: Session, plan: SeedPlan, progress: ProgressFactory = _no_progress) -> SeedResult:
    """Write the plan's rows into the session's transaction; the caller commits."""
    plan.check()
    layout = Layout(
        seed=plan.seed,
        anchor=plan.anchor,
        first_user_id=_next_id(session, USERS),
        first_article_id=_next_id(session, ARTICLES),
        first_comment_id=_next_id(session, COMMENTS),
    )
    had_users = layout.first_user_id > 1
    had_articles = layout.first_article_id > 1
    # One hash for everyone (Argon2 is slow on purpose); its salt comes from the seed too.
    salt = rows.stream(plan.seed, "password").randbytes(16)
    password_hash = PasswordHasher().hash(SEED_PASSWORD, salt=salt)

    writer = _Writer(session, progress)
    writer.write(
        USERS,
        rows.users(layout, plan.users, password_hash),
        plan.users,
        _rename_users if had_users else None,
    )
    tag_ids = _tag_ids(session, rows.tag_names(plan.tags), _next_id(session, TAGS), writer)
    writer.write(follows, rows.follows(layout, plan.users, plan.follows), plan.follows)
    published = Published()
    writer.write(
        ARTICLES,
        rows.articles(layout, plan.articles, plan.users, published),
        plan.articles,
        _rename_slugs if had_articles else None,
    )
    writer.write(article_tags, rows.article_tags(layout, plan.articles, tag_ids, published), None)
    writer.write(
        favorites, rows.favorites(layout, plan.users, plan.favorites, published), plan.favorites
    )
    writer.write(
        COMMENTS, rows.comments(layout, plan.comments, plan.users, published), plan.comments
    )
    # The maintained counts, from the rows just written: set-based, once. The word counts
    # were written with the bodies.
    recounting.recount(session, words=False)
    connection = session.connection()
    for table in (USERS, TAGS, ARTICLES, COMMENTS):
        advance_id_sequence(connection, table)
    written = [table for table in _ALL_TABLES if writer.result.counts.get(table.name)]
    refresh_planner_statistics(connection, written)
    return writer.result
