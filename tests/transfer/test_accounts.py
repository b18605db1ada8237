"""``pressroom user password``, ``sign-out`` and ``delete``: the operator's work on one account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select, table

from pressroom.articles import recounting
from pressroom.cli import accounts as accounts_cli
from pressroom.models import (
    Article,
    Comment,
    FailedSignIn,
    Tag,
    User,
    article_tags,
    favorites,
    follows,
)
from tests.counts import wrong_counts
from tests.factories import make_article, make_comment, make_user
from tests.transfer.content_db import ContentDatabase, content_fixtures

NOW = datetime.now(UTC)


@dataclass(frozen=True)
class People:
    """Ada, who is to be deleted, and what she holds among Bob's and Cy's rows."""

    ada: int
    bob: int
    cy: int
    bobs_article: int  # favorited by Ada and Cy, commented on by Ada
    ada_published: int  # favorited by Ada herself and by Bob, commented on by Cy


database, db = content_fixtures("accounts")


@pytest.fixture
def people(db: ContentDatabase) -> People:
    with db.session() as session, session.begin():
        ada = make_user(session, username="ada", email="ada@example.org")
        bob = make_user(session, username="bob", email="bob@example.org")
        cy = make_user(session, username="cy", email="cy@example.org")
        python, rust = Tag(name="python"), Tag(name="rust")
        session.add_all([python, rust])
        session.flush()
        published = make_article(session, ada, published_at=NOW - timedelta(days=3))
        scheduled = make_article(session, ada, published_at=NOW + timedelta(days=10))
        make_article(session, ada, published_at=None)  # a draft
        bobs = make_article(session, bob, published_at=NOW - timedelta(days=1))
        links = [(published, python), (published, rust), (scheduled, python), (bobs, python)]
        for article, tag in links:
            session.execute(insert(article_tags).values(article_id=article.id, tag_id=tag.id))
        make_comment(session, bobs, ada)
        make_comment(session, published, cy)
        for user, article in ((ada, bobs), (cy, bobs), (ada, published), (bob, published)):
            session.execute(insert(favorites).values(user_id=user.id, article_id=article.id))
        for follower, followee in ((ada, bob), (bob, ada), (cy, ada)):
            session.execute(
                insert(follows).values(follower_id=follower.id, followee_id=followee.id)
            )
        recounting.recount(session)  # rows written by hand: the operator's repair
        return People(ada.id, bob.id, cy.id, bobs.id, published.id)


def _scalar(db: ContentDatabase, statement: object) -> object:
    with db.engine.connect() as connection:
        return connection.scalar(statement)  # type: ignore[call-overload]


_TABLES = ("users", "articles", "comments", "favorites", "follows", "article_tags")


def _counts(db: ContentDatabase) -> dict[str, int]:
    """Rows per table."""
    with db.engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table(name))) or 0
            for name in _TABLES
        }


# --- delete ------------------------------------------------------------------------------


def test_delete_takes_everything_the_account_holds_and_keeps_the_counts_right(
    db: ContentDatabase, people: People
) -> None:
    report = db.run_json("user", "delete", "ada", "--yes")

    assert report == {
        "user": "ada",
        "deleted": True,
        "published": 1,
        "scheduled": 1,
        "drafts": 1,
        "comments": 1,
        "favorites": 2,
        "following": 1,
        "followers": 2,
    }
    assert _scalar(db, select(User.id).where(User.username == "ada")) is None
    with db.engine.connect() as connection:
        assert wrong_counts(connection) == []
        # Bob's article lost Ada's favorite and comment, and kept Cy's favorite.
        bobs = connection.execute(
            select(Article.favorites_count, Article.version).where(
                Article.id == people.bobs_article
            )
        ).one()
        assert tuple(bobs) == (1, 1)  # a count is not an edit
        assert list(connection.scalars(select(Article.author_id))) == [people.bob]
        assert set(connection.scalars(select(Comment.author_id))) == set()
        assert connection.scalar(select(Tag.released_articles).where(Tag.name == "python")) == 1
        assert connection.scalar(select(Tag.released_articles).where(Tag.name == "rust")) == 0
    assert _counts(db) == {
        "users": 2,
        "articles": 1,
        "comments": 0,
        "favorites": 1,
        "follows": 0,
        "article_tags": 1,
    }


def test_delete_dry_run_counts_and_changes_nothing(db: ContentDatabase, people: People) -> None:
    before = _counts(db)
    report = db.run_json("user", "delete", "ada", "--dry-run")
    assert report["deleted"] is False
    assert report["published"] == 1
    assert _counts(db) == before

    spoken = db.run("user", "delete", "ada", "--dry-run")
    assert spoken.exit_code == 0
    expected = (
        "Would delete ada: 1 published, 1 scheduled and 1 draft, 1 comment, 2 favorites, "
        "2 followers, following 1 (dry run: nothing changed)."
    )
    assert expected in spoken.stdout


def test_without_a_terminal_or_yes_nothing_is_deleted(db: ContentDatabase, people: People) -> None:
    before = _counts(db)
    result = db.run("user", "delete", "ada")
    assert result.exit_code == 1
    assert "pass --yes" in result.output
    assert _counts(db) == before


def test_the_prompt_shows_what_goes_and_respects_the_answer(
    db: ContentDatabase, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts_cli, "stdin_is_terminal", lambda: True)
    before = _counts(db)
    declined = db.run("user", "delete", "ada", stdin="n\n")
    assert declined.exit_code == 1
    assert "ada: 1 published, 1 scheduled and 1 draft, 1 comment" in declined.output
    assert "Delete ada and all of this? [y/N]" in declined.output
    assert _counts(db) == before

    accepted = db.run("user", "delete", "ada", stdin="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Deleted ada:" in accepted.output
    assert _counts(db)["users"] == 2


def test_an_unknown_user_is_a_clear_error(db: ContentDatabase, people: People) -> None:
    for command in (("delete", "--yes"), ("sign-out",), ("password", "--password-stdin")):
        result = db.run("user", command[0], "Ada", *command[1:], stdin="secret words\n")
        assert result.exit_code == 2, command
        assert "no user is called 'Ada'" in result.stderr
    assert _counts(db)["users"] == 3


# --- password and sign-out ---------------------------------------------------------------


def test_a_new_password_replaces_the_old_and_forgets_failed_sign_ins(
    db: ContentDatabase, people: People
) -> None:
    with db.session() as session, session.begin():
        for account in ("ada@example.org", "ada@example.org", "bob@example.org"):
            session.add(FailedSignIn(account=account, address="192.0.2.1"))
    before = _scalar(db, select(User.password_hash).where(User.id == people.ada))

    result = db.run("user", "password", "ada", "--password-stdin", stdin="a new passphrase\n")

    assert result.exit_code == 0, result.output
    assert "New password set for ada." in result.stdout
    stored = _scalar(db, select(User.password_hash).where(User.id == people.ada))
    assert isinstance(stored, str)
    assert stored != before
    assert PasswordHasher().verify(stored, "a new passphrase")
    with db.engine.connect() as connection:
        assert list(connection.scalars(select(FailedSignIn.account))) == ["bob@example.org"]


@pytest.mark.parametrize("typed", ["\n", "bad\x07bell\n", "p" * 257 + "\n", ""])
def test_an_unusable_password_changes_nothing(
    db: ContentDatabase, people: People, typed: str
) -> None:
    before = _scalar(db, select(User.password_hash).where(User.id == people.ada))
    result = db.run("user", "password", "ada", "--password-stdin", stdin=typed)
    assert result.exit_code == 2
    assert "the password must be 1 to 256 characters, without control characters" in result.stderr
    assert _scalar(db, select(User.password_hash).where(User.id == people.ada)) == before


def test_a_password_needs_a_terminal_or_standard_input(db: ContentDatabase, people: People) -> None:
    result = db.run("user", "password", "ada")
    assert result.exit_code == 2
    assert "pass --password-stdin" in result.stderr


def test_sign_out_raises_the_generation_of_the_users_tokens(
    db: ContentDatabase, people: People
) -> None:
    for expected in (1, 2):
        result = db.run("user", "sign-out", "ada")
        assert result.exit_code == 0, result.output
        assert "Signed ada out everywhere." in result.stdout
        generation = select(User.token_generation).where(User.id == people.ada)
        assert _scalar(db, generation) == expected
    assert _scalar(db, select(User.token_generation).where(User.id == people.bob)) == 0
