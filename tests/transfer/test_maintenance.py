"""``pressroom publish --drafts`` and ``pressroom purge``: one set-based statement each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from pressroom.articles import recounting
from pressroom.cli import content
from pressroom.models import (
    Article,
    Comment,
    ScheduledHour,
    SiteTotals,
    Tag,
    TagScheduledHour,
    User,
    article_tags,
    favorites,
)
from pressroom.models.site import hour_of
from pressroom.transfer.maintenance import parse_age, parse_moment
from tests.counts import wrong_counts
from tests.factories import make_article, make_comment, make_user
from tests.transfer.content_db import ContentDatabase, content_fixtures

NOW = datetime.now(UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@dataclass(frozen=True)
class Desk:
    """A small publication: four drafts, one published and one scheduled article (tagged
    rust)."""

    old_alice_python: int  # created 200 days ago, last updated 120 days ago
    revived_alice_rust: int  # created 150 days ago, but updated 10 days ago
    old_bob_python: int  # created 100 days ago, last updated 95 days ago
    new_bob_untagged: int  # 2 days old
    published: int
    scheduled: int  # created and updated long ago, but not a draft

    @property
    def drafts(self) -> set[int]:
        return {
            self.old_alice_python,
            self.revived_alice_rust,
            self.old_bob_python,
            self.new_bob_untagged,
        }


database, db = content_fixtures("drafts")


@pytest.fixture
def desk(db: ContentDatabase) -> Desk:
    with db.session() as session, session.begin():
        alice = make_user(session, username="alice", email="alice@example.org")
        bob = make_user(session, username="bob", email="bob@example.org")
        python = Tag(name="python")
        rust = Tag(name="rust")
        session.add_all([python, rust])
        session.flush()

        def draft(author: User, created: float, updated: float, *tags: Tag) -> Article:
            article = make_article(
                session, author, created_at=ago(created), updated_at=ago(updated)
            )
            for tag in tags:
                session.execute(insert(article_tags).values(article_id=article.id, tag_id=tag.id))
            return article

        old_alice = draft(alice, 200, 120, python)
        revived_alice = draft(alice, 150, 10, rust)
        old_bob = draft(bob, 100, 95, python)
        new_bob = draft(bob, 2, 1)
        published = make_article(session, alice, published_at=ago(50), created_at=ago(60))
        session.execute(insert(article_tags).values(article_id=published.id, tag_id=python.id))
        scheduled = make_article(
            session, bob, published_at=NOW + timedelta(days=10), created_at=ago(300)
        )
        session.execute(
            insert(article_tags).values(
                article_id=scheduled.id, tag_id=rust.id, published_at=scheduled.published_at
            )
        )
        for article in (old_alice, published):
            make_comment(session, article, bob)
            session.execute(insert(favorites).values(user_id=bob.id, article_id=article.id))
        recounting.recount(session)  # rows written by hand: the operator's repair
        return Desk(
            old_alice.id, revived_alice.id, old_bob.id, new_bob.id, published.id, scheduled.id
        )


def _drafts(db: ContentDatabase) -> dict[int, tuple[datetime | None, int]]:
    """Each article's publication time and version."""
    with db.engine.connect() as connection:
        rows = connection.execute(select(Article.id, Article.published_at, Article.version))
        return {article_id: (published_at, version) for article_id, published_at, version in rows}


def _count(db: ContentDatabase, what: object, *where: object) -> int:
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(what).where(*where)) or 0  # type: ignore[arg-type]


def _wrong_counts(db: ContentDatabase) -> list[str]:
    with db.engine.connect() as connection:
        return wrong_counts(connection)


# --- publish ------------------------------------------------------------------------------


def test_publish_dry_run_counts_and_changes_nothing(db: ContentDatabase, desk: Desk) -> None:
    before = _drafts(db)
    report = db.run_json("publish", "--drafts", "--dry-run")
    assert report == {"matching": 4, "published": 0, "dry_run": True}
    assert _drafts(db) == before


def test_publish_makes_drafts_published_now_and_bumps_their_version(
    db: ContentDatabase, desk: Desk
) -> None:
    before = _drafts(db)
    started = datetime.now(UTC) - timedelta(seconds=1)
    report = db.run_json("publish", "--drafts", "--author", "alice", "--yes")
    assert report == {"matching": 2, "published": 2, "dry_run": False}
    after = _drafts(db)
    for article_id in (desk.old_alice_python, desk.revived_alice_rust):
        published_at, version = after[article_id]
        assert published_at is not None
        assert started <= published_at <= datetime.now(UTC)
        assert version == before[article_id][1] + 1
    with db.session() as session:
        updated = session.get_one(Article, desk.old_alice_python)
        assert updated.updated_at == updated.published_at
    for untouched in desk.drafts - {desk.old_alice_python, desk.revived_alice_rust}:
        assert after[untouched] == before[untouched]
    assert after[desk.published] == before[desk.published]
    assert after[desk.scheduled] == before[desk.scheduled]
    assert _wrong_counts(db) == []


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--tag", "python"), {"old_alice_python", "old_bob_python"}),
        (
            ("--before", ago(50).date().isoformat()),
            {"old_alice_python", "revived_alice_rust", "old_bob_python"},
        ),
        (("--author", "bob", "--tag", "python"), {"old_bob_python"}),
        (("--author", "bob", "--before", ago(5).isoformat()), {"old_bob_python"}),
        (("--tag", "rust", "--author", "bob"), set()),
    ],
)
def test_publish_filters(
    db: ContentDatabase, desk: Desk, flags: tuple[str, ...], expected: set[str]
) -> None:
    report = db.run_json("publish", "--drafts", *flags, "--yes")
    assert report["published"] == len(expected)
    published = {article_id for article_id, (at, _) in _drafts(db).items() if at is not None}
    assert published == {getattr(desk, name) for name in expected} | {
        desk.published,
        desk.scheduled,
    }
    assert _wrong_counts(db) == []


def test_publish_prints_the_bare_count_into_a_pipe(db: ContentDatabase, desk: Desk) -> None:
    result = db.run("publish", "--drafts", "--tag", "python", "--yes")
    assert result.exit_code == 0
    assert result.stdout == "2\n"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--author", "nobody"), "no author is called 'nobody'"),
        (("--tag", "cobol"), "no tag is called 'cobol'"),
        (("--before", "last week"), "not a date"),
        (("--before", "0001-01-01T00:00:00+01:00"), "out of range"),
        (("--before", "9999-12-31T23:00:00-05:00"), "out of range"),
    ],
)
def test_publish_refuses_unknown_names_and_bad_dates(
    db: ContentDatabase, desk: Desk, flags: tuple[str, ...], message: str
) -> None:
    result = db.run("publish", "--drafts", *flags, "--yes")
    assert result.exit_code == 2
    assert message in result.output
    assert _count(db, Article, Article.published_at.is_(None)) == 4


def test_publish_needs_to_be_told_what_to_publish(db: ContentDatabase, desk: Desk) -> None:
    result = db.run("publish", "--yes")
    assert result.exit_code == 2
    assert "--drafts" in result.output


def test_without_a_terminal_or_yes_nothing_is_published(db: ContentDatabase, desk: Desk) -> None:
    result = db.run("publish", "--drafts")
    assert result.exit_code == 1
    assert "--yes" in result.output
    assert _count(db, Article, Article.published_at.is_(None)) == 4


def test_the_prompt_asks_and_respects_the_answer(
    db: ContentDatabase, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(content, "stdin_is_terminal", lambda: True)
    declined = db.run("publish", "--drafts", "--author", "bob", stdin="n\n")
    assert declined.exit_code == 1
    assert "Publish 2 drafts? [y/N]" in declined.output
    assert _count(db, Article, Article.published_at.is_(None)) == 4

    accepted = db.run("publish", "--drafts", "--author", "bob", stdin="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _count(db, Article, Article.published_at.is_(None)) == 2


# --- purge --------------------------------------------------------------------------------


def test_purge_deletes_stale_drafts_and_their_comments_favorites_and_tags(
    db: ContentDatabase, desk: Desk
) -> None:
    report = db.run_json("purge", "--drafts-older-than", "90d", "--yes")
    assert report == {"matching": 2, "purged": 2, "dry_run": False}
    remaining = set(_drafts(db))
    gone = {desk.old_alice_python, desk.old_bob_python}
    assert remaining == {
        desk.revived_alice_rust,
        desk.new_bob_untagged,
        desk.published,
        desk.scheduled,
    }
    assert _count(db, Comment, Comment.article_id.in_(gone)) == 0
    assert _count(db, favorites, favorites.c.article_id.in_(gone)) == 0
    assert _count(db, article_tags, article_tags.c.article_id.in_(gone)) == 0
    # Everything else stays: the published article's comment, favorite and tag, users, tags.
    assert _count(db, Comment) == 1
    assert _count(db, favorites) == 1
    # The published article's python, the rust draft's, the scheduled article's rust.
    assert _count(db, article_tags) == 3
    assert _count(db, User) == 2
    assert _count(db, Tag) == 2


def test_purge_by_author_and_age_units(db: ContentDatabase, desk: Desk) -> None:
    assert db.run_json("purge", "--drafts-older-than", "2w", "--author", "alice", "--yes") == {
        "matching": 1,
        "purged": 1,
        "dry_run": False,
    }
    assert desk.old_alice_python not in _drafts(db)
    assert db.run_json("purge", "--drafts-older-than", "12h", "--yes")["purged"] == 3


def test_purge_dry_run_counts_and_deletes_nothing(db: ContentDatabase, desk: Desk) -> None:
    report = db.run_json("purge", "--drafts-older-than", "90d", "--dry-run")
    assert report == {"matching": 2, "purged": 0, "dry_run": True}
    assert len(_drafts(db)) == 6
    assert _count(db, Comment) == 2


def test_without_a_terminal_or_yes_nothing_is_purged(db: ContentDatabase, desk: Desk) -> None:
    result = db.run("purge", "--drafts-older-than", "90d")
    assert result.exit_code == 1
    assert "no terminal" in result.output
    assert len(_drafts(db)) == 6


@pytest.mark.parametrize(
    "age", ["90", "90x", "d", "-3d", "0d", "1.5w", "1000000d", "99999999999999999999w"]
)
def test_purge_refuses_a_bad_age_clearly(db: ContentDatabase, desk: Desk, age: str) -> None:
    result = db.run("purge", "--drafts-older-than", age, "--yes")
    assert result.exit_code == 2
    assert "--drafts-older-than" in result.output
    assert "Traceback" not in result.output
    assert len(_drafts(db)) == 6


def test_purge_refuses_an_unknown_author(db: ContentDatabase, desk: Desk) -> None:
    result = db.run("purge", "--drafts-older-than", "1d", "--author", "nobody", "--yes")
    assert result.exit_code == 2
    assert "no author is called 'nobody'" in result.output


# --- parsing ------------------------------------------------------------------------------


def test_ages() -> None:
    assert parse_age("90d") == timedelta(days=90)
    assert parse_age("12h") == timedelta(hours=12)
    assert parse_age(" 2W ") == timedelta(weeks=2)


def test_moments_without_a_zone_are_utc() -> None:
    assert parse_moment("2025-01-31") == datetime(2025, 1, 31, tzinfo=UTC)
    assert parse_moment("2025-01-31T08:00:00+01:00") == datetime(2025, 1, 31, 7, tzinfo=UTC)


# --- recount ------------------------------------------------------------------------------


def test_recount_repairs_counts_changed_by_hand_and_says_how_many(
    db: ContentDatabase, desk: Desk
) -> None:
    nothing = {"site": 0, "tags": 0, "articles": 0, "links": 0, "hours": 0, "tag_hours": 0}
    nothing["words"] = 0
    assert db.run_json("recount") == nothing
    with db.engine.begin() as connection:
        connection.execute(update(SiteTotals).values(released_articles=99))
        connection.execute(update(Tag).values(released_articles=Tag.released_articles + 5))
        connection.execute(
            update(Article)
            .where(Article.id.in_([desk.published, desk.new_bob_untagged]))
            .values(favorites_count=7)
        )
        # A body rewritten in SQL keeps its old word count.
        connection.execute(
            update(Article.__table__)
            .where(Article.id == desk.published)
            .values(body="a body of six new words")
        )
    assert len(_wrong_counts(db)) == 1 + 2 + 2 + 1
    fixed = {"site": 1, "tags": 2, "articles": 2, "links": 0, "hours": 0, "tag_hours": 0}
    fixed["words"] = 1
    assert db.run_json("recount") == fixed
    assert _wrong_counts(db) == []
    assert db.run("recount").stdout.strip() == "0"


def test_recount_rebuilds_the_scheduled_hours_of_the_site_and_of_each_tag(
    db: ContentDatabase, desk: Desk
) -> None:
    """The scheduled article (tagged rust) counts in its hour, the site's and rust's."""
    with db.engine.begin() as connection:
        connection.execute(update(ScheduledHour).values(articles=ScheduledHour.articles + 2))
        connection.execute(delete(TagScheduledHour))
        # A stray hour of a tag with nothing scheduled, and one gone by: only the first
        # is wrong, as hours gone by are never read.
        python = connection.scalar(select(Tag.id).where(Tag.name == "python"))
        connection.execute(
            insert(TagScheduledHour),
            [
                {"tag_id": python, "hour": hour_of(NOW + timedelta(days=3)), "articles": 1},
                {"tag_id": python, "hour": hour_of(NOW - timedelta(days=3)), "articles": 4},
            ],
        )
    assert len(_wrong_counts(db)) == 1 + 2
    figures = db.run_json("recount")
    assert (figures["hours"], figures["tag_hours"], sum(figures.values())) == (1, 2, 3)
    assert _wrong_counts(db) == []
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(Tag.name, TagScheduledHour.hour, TagScheduledHour.articles).join(Tag)
        ).all()
    scheduled_hour = hour_of(NOW + timedelta(days=10))
    assert [tuple(row) for row in rows] == [("rust", scheduled_hour, 1)]
