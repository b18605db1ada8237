"""``pressroom seed``: reproducible, realistic and safe to run on a database with data."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Table, delete, func, select, text

from pressroom.db.base import Base
from pressroom.db.urls import Backend
from pressroom.kit.slugs import slugify
from pressroom.models import Article, Comment, Tag, User, article_tags, favorites, follows
from pressroom.transfer.seed import SEED_PASSWORD
from pressroom.transfer.seed.rows import spread
from pressroom.transfer.seed.writing import Writer, ascii_slug
from tests.counts import wrong_counts
from tests.databases import ScratchDatabase
from tests.factories import make_article, make_user
from tests.transfer.content_db import ContentDatabase, content_database

AS_OF = "2026-01-01T00:00:00+00:00"
SMALL = ("--users", "8", "--articles", "60", "--comments", "80", "--tags", "15")
SMALL_LINKS = ("--follows", "20", "--favorites", "50", "--as-of", AS_OF)
TABLES = ("users", "tags", "follows", "articles", "article_tags", "favorites", "comments")


@pytest.fixture(scope="module")
def pair(
    fresh_database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ContentDatabase, ContentDatabase]]:
    tmp = tmp_path_factory.getbasetemp()
    with (
        content_database(fresh_database, "seed_a", tmp) as first,
        content_database(fresh_database, "seed_b", tmp) as second,
    ):
        yield first, second


@pytest.fixture
def db(pair: tuple[ContentDatabase, ContentDatabase]) -> ContentDatabase:
    pair[0].empty()
    return pair[0]


def _rows(db: ContentDatabase, name: str) -> list[tuple[Any, ...]]:
    table: Table = Base.metadata.tables[name]
    with db.engine.connect() as connection:
        return [
            tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))
        ]


def _count(db: ContentDatabase, what: Any, *where: Any) -> int:
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(what).where(*where)) or 0


def test_the_same_seed_writes_the_same_rows_into_two_databases(
    pair: tuple[ContentDatabase, ContentDatabase],
) -> None:
    for side in pair:
        side.empty()
        side.run_json("seed", *SMALL, *SMALL_LINKS, "--seed", "7")
    for name in TABLES:
        first = _rows(pair[0], name)
        assert first, name
        assert first == _rows(pair[1], name), name
    for side in pair:
        with side.engine.connect() as connection:
            assert wrong_counts(connection) == []

    pair[1].empty()
    pair[1].run_json("seed", *SMALL, *SMALL_LINKS, "--seed", "8")
    assert _rows(pair[0], "articles") != _rows(pair[1], "articles")


def test_seed_writes_what_it_reports_and_stats_agree(db: ContentDatabase) -> None:
    counts = db.run_json("seed", *SMALL, *SMALL_LINKS)
    assert counts == {
        "users": 8,
        "tags": 15,
        "follows": 20,
        "articles": 60,
        "article_tags": _count(db, article_tags),
        "favorites": 50,
        "comments": 80,
    }
    assert counts["article_tags"] >= 60
    totals = db.run_json("stats")["totals"]
    assert totals["users"] == 8
    assert totals["articles"] == 60
    assert totals["drafts"] + totals["scheduled"] + totals["published"] == 60
    assert totals["comments"] == 80
    assert totals["favorites"] == 50
    assert totals["follows"] == 20
    assert totals["tags"] == 15


def test_seeded_articles_look_like_a_real_publication(db: ContentDatabase) -> None:
    db.run_json("seed", "--users", "20", "--articles", "1000", "--comments", "500")
    now = datetime.now(UTC)
    with db.session() as session:
        articles = session.scalars(select(Article)).all()
        drafts = [a for a in articles if a.published_at is None]
        scheduled = [a for a in articles if a.published_at and a.published_at > now]
        assert 60 <= len(drafts) <= 140  # about 10%
        assert 25 <= len(scheduled) <= 80  # about 5%
        assert len({a.slug for a in articles}) == len(articles)
        for article in articles:
            assert article.created_at <= article.updated_at
            if article.published_at is not None:
                assert article.created_at <= article.published_at
            assert 300 <= len(article.body.encode()) <= 2500
            for markdown in ("## ", "\n- ", "```", "](https://"):
                assert markdown in article.body
        published_ids = {a.id for a in articles if a.is_published}
        published_at = {a.id: a.published_at for a in articles}
        for comment in session.scalars(select(Comment)):
            assert comment.article_id in published_ids
            assert comment.created_at >= published_at[comment.article_id]
        favorited = session.scalars(select(favorites.c.article_id)).all()
        assert set(favorited) <= published_ids
        assert (
            session.scalar(
                select(func.count()).where(follows.c.follower_id == follows.c.followee_id)
            )
            == 0
        )


def test_tags_have_a_long_tail(db: ContentDatabase) -> None:
    db.run_json("seed", "--users", "10", "--articles", "2000", "--comments", "0", "--tags", "100")
    with db.session() as session:
        uses = Counter(session.scalars(select(article_tags.c.tag_id)).all())
        per_article = Counter(session.scalars(select(article_tags.c.article_id)).all())
    ranked = sorted(uses.values(), reverse=True)
    assert ranked[0] > 10 * ranked[len(ranked) // 2]  # a few everywhere, most rare
    assert set(per_article.values()) <= {1, 2, 3, 4, 5}
    assert sum(per_article.values()) / len(per_article) > 2


def test_seeded_users_log_in_with_the_documented_password(db: ContentDatabase) -> None:
    db.run_json("seed", "--users", "3", "--articles", "0", "--comments", "0")
    with db.session() as session:
        hashes = set(session.scalars(select(User.password_hash)))
    assert len(hashes) == 1
    assert PasswordHasher().verify(hashes.pop(), SEED_PASSWORD)


def test_seeding_again_adds_beside_the_data_without_collisions(db: ContentDatabase) -> None:
    db.run_json("seed", *SMALL, *SMALL_LINKS)
    again = db.run_json("seed", *SMALL, *SMALL_LINKS)
    assert (again["users"], again["articles"]) == (8, 60)
    assert again["tags"] == 0  # same names: the tags are shared
    assert _count(db, User) == 16
    assert _count(db, Article) == 120
    assert _count(db, Tag) == 15
    # Ids are handed out by the database again after explicit ones (PostgreSQL's sequence).
    with db.session() as session, session.begin():
        user = User(username="after-seed", email="after-seed@example.org", password_hash="x")
        session.add(user)
        session.flush()
        session.add(Article(title="After", description="d", body="b", author_id=user.id))
        session.flush()
        session.add(Comment(body="c", article_id=1, author_id=user.id))
        session.add(Tag(name="after-seed"))
        session.flush()
    assert user.id > 16  # MySQL never lowers its counter after deletes: more, not exactly 17


def _largest_ids(db: ContentDatabase) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            model.__tablename__: connection.scalar(select(func.max(model.id))) or 0
            for model in (User, Article, Comment)
        }


def test_seeding_never_reuses_the_ids_of_deleted_rows(db: ContentDatabase) -> None:
    db.run_json("seed", *SMALL, *SMALL_LINKS)
    before = _largest_ids(db)
    # The newest comment, article and user go; their ids must never name anything again
    # (a feed reader would take a new article for the deleted one).
    with db.engine.begin() as connection:
        connection.execute(delete(Comment).where(Comment.id == before["comments"]))
        connection.execute(delete(Article).where(Article.id == before["articles"]))
        connection.execute(delete(User).where(User.id == before["users"]))
    db.run_json("seed", *SMALL, *SMALL_LINKS)
    seeded = _largest_ids(db)
    with db.engine.connect() as connection:
        for model in (User, Article, Comment):
            deleted_id = before[model.__tablename__]
            assert seeded[model.__tablename__] > deleted_id  # the seed did add rows
            taken = select(func.count()).select_from(model).where(model.id == deleted_id)
            assert connection.scalar(taken) == 0, model.__tablename__
    # And the ids the database hands out next come after the seeded ones.
    with db.session() as session, session.begin():
        user = User(username="after-reseed", email="after-reseed@example.org", password_hash="x")
        session.add(user)
        session.flush()
        article = Article(title="After", description="d", body="b", author_id=user.id)
        session.add(article)
        session.flush()
        comment = Comment(body="c", article_id=article.id, author_id=user.id)
        session.add(comment)
    assert user.id > seeded["users"]
    assert article.id > seeded["articles"]
    assert comment.id > seeded["comments"]


def test_a_taken_seeded_username_gets_another_one(db: ContentDatabase) -> None:
    db.run_json("seed", "--users", "1", "--articles", "0", "--comments", "0")
    with db.session() as session:
        first_name = session.scalars(select(User.username)).one()  # <name>1: id 1
    db.empty()
    # Someone registered the name the first seeded user gets when it is given id 2.
    taken = first_name.removesuffix("1") + "2"
    with db.session() as session, session.begin():
        session.add(User(id=1, username=taken, email="taken@example.org", password_hash="x"))
    db.run_json("seed", "--users", "1", "--articles", "0", "--comments", "0")
    with db.session() as session:
        names = session.scalars(select(User.username).order_by(User.id)).all()
    assert names[0] == taken
    assert names[1].startswith(f"{taken}-")


def test_a_taken_seeded_slug_gets_another_one(db: ContentDatabase) -> None:
    plan = ("--users", "1", "--articles", "1", "--comments", "0", "--favorites", "0")
    db.run_json("seed", *plan)
    with db.session() as session:
        first_slug = session.scalars(select(Article.slug)).one()  # <title>-1: id 1
    db.empty()
    taken = first_slug.removesuffix("-1") + "-2"
    with db.session() as session, session.begin():
        author = make_user(session)
        make_article(session, author, id=1, slug=taken)
    db.run_json("seed", *plan)
    with db.session() as session:
        slugs = session.scalars(select(Article.slug).order_by(Article.id)).all()
    assert slugs[0] == taken
    assert slugs[1].startswith(f"{taken}-")


def test_postgresql_plans_with_the_seeded_row_counts(db: ContentDatabase) -> None:
    if db.database.backend is not Backend.POSTGRESQL:
        pytest.skip("only PostgreSQL keeps planner statistics that a bulk load leaves stale")
    db.run_json("seed", *SMALL, *SMALL_LINKS)
    with db.engine.connect() as connection:
        estimate = connection.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = 'articles'")
        )
    assert estimate == 60


def test_a_plan_that_cannot_be_seeded_is_refused_clearly(db: ContentDatabase) -> None:
    result = db.run("seed", "--users", "0", "--articles", "5")
    assert result.exit_code == 2
    assert "--users" in result.output
    assert _count(db, Article) == 0


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("yesterday", "not a date"),
        ("2999-01-01", "in the future"),
        ("0001-01-05", "cannot be before 0004-01-01"),
        ("0001-01-01T00:00:00+01:00", "out of range"),
    ],
)
def test_bad_as_of_is_refused_clearly(db: ContentDatabase, as_of: str, message: str) -> None:
    result = db.run("seed", "--as-of", as_of)
    assert result.exit_code == 2
    assert message in result.output
    assert _count(db, User) == 0


def test_the_fast_slug_matches_the_real_one() -> None:
    writer = Writer(random.Random(3))
    for _ in range(2000):
        title = writer.title()
        assert ascii_slug(title) == slugify(title)


@pytest.mark.parametrize(("total", "slots", "cap"), [(100, 10, 50), (95, 10, 9), (5, 10, 9)])
def test_spread_hands_out_the_total_without_passing_the_cap(
    total: int, slots: int, cap: int
) -> None:
    counts = spread(total, slots, cap, random.Random(1))
    assert sum(counts) == min(total, slots * cap)
    assert max(counts) <= cap
