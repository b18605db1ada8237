"""``pressroom stats``: totals, top authors and top tags, equal to what was written."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from sqlalchemy import insert
from sqlalchemy.orm import Session

from pressroom.cli import content
from pressroom.models import Article, Tag, User, article_tags, favorites, follows
from tests.factories import make_article, make_comment, make_user
from tests.transfer.content_db import ContentDatabase, content_fixtures

NOW = datetime.now(UTC)
PAST = NOW - timedelta(days=3)
FUTURE = NOW + timedelta(days=3)


database, db = content_fixtures("stats")


def _tag(session: Session, article: Article, *tags: Tag) -> None:
    for tag in tags:
        session.execute(insert(article_tags).values(article_id=article.id, tag_id=tag.id))


def _favorite(session: Session, user: User, article: Article) -> None:
    session.execute(insert(favorites).values(user_id=user.id, article_id=article.id))


@pytest.fixture
def publication(db: ContentDatabase) -> ContentDatabase:
    """Three users, eight articles in every status, three tags (one unused)."""
    with db.session() as session, session.begin():
        ann, bob, cid = (make_user(session, username=name) for name in ("ann", "bob", "cid"))
        go, rust, zig = (Tag(name=name) for name in ("go", "rust", "zig"))
        session.add_all([go, rust, zig])
        session.flush()
        first = make_article(session, ann, published_at=PAST)
        second = make_article(session, ann, published_at=PAST)
        make_article(session, ann, published_at=PAST)
        ann_draft = make_article(session, ann)
        ann_scheduled = make_article(session, ann, published_at=FUTURE)
        bobs = make_article(session, bob, published_at=PAST)
        make_article(session, bob)
        make_article(session, bob)
        _tag(session, first, go, rust)
        _tag(session, second, go)
        _tag(session, ann_draft, go)
        _tag(session, ann_scheduled, rust)
        _tag(session, bobs, rust)
        for user, article in [(bob, first), (cid, first), (cid, second), (ann, bobs)]:
            _favorite(session, user, article)
        _favorite(session, cid, ann_draft)  # not a published article: not "received"
        session.execute(
            insert(follows),
            [
                {"follower_id": bob.id, "followee_id": ann.id},
                {"follower_id": cid.id, "followee_id": ann.id},
            ],
        )
        make_comment(session, first, bob)
        make_comment(session, first, cid)
        make_comment(session, bobs, ann)
    return db


def test_stats_counts_what_was_written(publication: ContentDatabase) -> None:
    assert publication.run_json("stats") == {
        "totals": {
            "users": 3,
            "articles": 8,
            "drafts": 3,
            "scheduled": 1,
            "published": 4,
            "comments": 3,
            "tags": 3,
            "favorites": 5,
            "follows": 2,
        },
        "top_authors": [
            {"username": "ann", "published": 3, "favorites_received": 3},
            {"username": "bob", "published": 1, "favorites_received": 1},
        ],
        "top_tags": [{"name": "go", "published": 2}, {"name": "rust", "published": 2}],
    }


def test_stats_of_an_empty_database(db: ContentDatabase) -> None:
    figures = db.run_json("stats")
    assert set(figures["totals"].values()) == {0}
    assert figures["top_authors"] == []
    assert figures["top_tags"] == []


def test_only_the_top_ten_most_used_come_first(db: ContentDatabase) -> None:
    with db.session() as session, session.begin():
        writers = [make_user(session, username=f"writer{n:02}") for n in range(12)]
        tags = [Tag(name=f"tag{n:02}") for n in range(12)]
        session.add_all(tags)
        session.flush()
        for n, (writer, tag) in enumerate(zip(writers, tags, strict=True)):
            for _ in range(n + 1):  # writerNN and tagNN: NN + 1 published articles
                _tag(session, make_article(session, writer, published_at=PAST), tag)
    figures = db.run_json("stats")
    assert [a["username"] for a in figures["top_authors"]] == [
        f"writer{n:02}" for n in range(11, 1, -1)
    ]
    assert [t["published"] for t in figures["top_tags"]] == list(range(12, 2, -1))


def test_piped_stats_are_plain_lines(publication: ContentDatabase) -> None:
    result = publication.run("stats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "published\t4" in lines
    assert "author\tann\t3\t3" in lines
    assert "tag\tgo\t2" in lines


def test_a_database_at_head_is_not_announced_in_the_log(
    publication: ContentDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    # Migrations log what they do; a command on a database that needs none has no news.
    with caplog.at_level(logging.INFO):
        result = publication.run("stats")

    assert result.exit_code == 0
    assert [r.getMessage() for r in caplog.records if r.name.startswith("alembic")] == []


def test_stats_on_a_terminal_are_tables(
    publication: ContentDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(content, "out", Console(force_terminal=True, width=100, no_color=True))
    result = publication.run("stats")
    assert result.exit_code == 0
    for title in ("Totals", "Top authors", "Top tags", "favorites received"):
        assert title in result.stdout
