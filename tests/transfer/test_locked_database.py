"""SQLite locked by another writer for longer than the busy timeout: every command that
writes says so in one line, exits 2 and leaves the data as it was."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pressroom.db.urls import Backend
from tests.databases import ScratchDatabase
from tests.factories import make_article, make_user
from tests.transfer.content_db import ContentDatabase, content_database

pytestmark = pytest.mark.backend("sqlite")

# Only its backend is read: the database itself is made for this module.
_SQLITE = ScratchDatabase(Backend.SQLITE, make_url("sqlite://"))
_IMPATIENT = {"PRESSROOM_SQLITE_BUSY_TIMEOUT_MS": "50"}
_TWO_DAYS_AGO = datetime.now(UTC) - timedelta(days=2)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContentDatabase]:
    """Ada, with a draft old enough for both publish and purge to find."""
    with content_database(_SQLITE, "locked", tmp_path_factory.getbasetemp()) as database:
        with database.session() as session, session.begin():
            ada = make_user(session, username="ada", email="ada@example.org")
            make_article(
                session,
                ada,
                published_at=None,
                created_at=_TWO_DAYS_AGO,
                updated_at=_TWO_DAYS_AGO,
            )
        yield database


@contextmanager
def locked(db: ContentDatabase) -> Iterator[None]:
    """Another writer holding SQLite's write lock, as a long transaction elsewhere does."""
    other = sqlite3.connect(str(db.database.url.database), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


WRITERS = [
    ("publish", "--drafts", "--yes"),
    ("purge", "--drafts-older-than", "1h", "--yes"),
    ("recount",),
    ("user", "sign-out", "ada"),
    ("user", "delete", "ada", "--yes"),
    ("user", "password", "ada", "--password-stdin"),
    ("seed", "--users", "2", "--articles", "3", "--comments", "0", "--tags", "1"),
]


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_a_locked_database_is_one_line_and_changes_nothing(
    db: ContentDatabase, args: tuple[str, ...]
) -> None:
    before = db.run("export").stdout_bytes

    with locked(db):
        result = db.run(*args, stdin="a new password\n", env=_IMPATIENT)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == ["database error: database is locked"]
    assert result.stdout == ""
    assert db.run("export").stdout_bytes == before


def test_import_of_a_locked_database_says_so_as_before(db: ContentDatabase, tmp_path: Path) -> None:
    before = db.run("export").stdout_bytes
    path = tmp_path / "one-user.jsonl"
    path.write_text(json.dumps({"type": "user", "username": "bo", "email": "bo@example.org"}))

    with locked(db):
        result = db.run("import", str(path), env=_IMPATIENT)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "import failed: database error: database is locked",
        "Nothing was imported.",
    ]
    assert db.run("export").stdout_bytes == before


@pytest.mark.parametrize("args", [("stats",), ("export",)], ids=" ".join)
def test_readers_do_not_wait_for_the_lock(db: ContentDatabase, args: tuple[str, ...]) -> None:
    with locked(db):
        result = db.run(*args, env=_IMPATIENT)

    assert result.exit_code == 0, result.output
