"""``pressroom db backup``: a consistent copy of the embedded SQLite database, made while
it serves, that restores to the same publication."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from pressroom.db.urls import Backend
from pressroom.models import Tag
from tests.databases import ScratchDatabase
from tests.transfer.content_db import ContentDatabase, content_database


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[ContentDatabase]:
    scratch = ScratchDatabase(Backend.SQLITE, create_engine(f"sqlite:///{tmp_path}/x.db").url)
    with content_database(scratch, "backup", tmp_path) as db:
        yield db


def _at(db: ContentDatabase, path: Path) -> ContentDatabase:
    url = db.database.url.set(database=str(path))
    return ContentDatabase(ScratchDatabase(Backend.SQLITE, url), create_engine(url))


@pytest.mark.backend("sqlite")
def test_a_backup_restores_to_the_same_publication(
    sqlite_db: ContentDatabase, tmp_path: Path
) -> None:
    sqlite_db.run_json(
        "seed", "--users", "6", "--articles", "40", "--comments", "30", "--seed", "3"
    )
    copy = tmp_path / "copy.db"
    result = sqlite_db.run("db", "backup", str(copy))
    assert result.exit_code == 0, result.output
    assert copy.exists()
    assert not copy.with_name("copy.db.partial").exists()
    restored = _at(sqlite_db, copy)
    original = sqlite_db.run("export", "--include-secrets").stdout_bytes
    assert restored.run("export", "--include-secrets").stdout_bytes == original
    assert len(original.splitlines()) > 40


@pytest.mark.backend("sqlite")
def test_a_backup_taken_while_writers_write_is_consistent(
    sqlite_db: ContentDatabase, tmp_path: Path
) -> None:
    sqlite_db.run_json("seed", "--users", "3", "--articles", "10", "--comments", "0", "--seed", "4")
    stop = threading.Event()
    written = 0

    def keep_writing() -> None:
        nonlocal written
        while not stop.is_set():
            with sqlite_db.engine.begin() as connection:
                connection.execute(insert(Tag).values(name=f"during{written}"))
            written += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for round_ in range(3):
            while written < 20 * (round_ + 1):
                time.sleep(0.01)
            committed_before = written
            copy = tmp_path / f"copy{round_}.db"
            assert sqlite_db.run("db", "backup", str(copy)).exit_code == 0
            with sqlite3.connect(copy) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                names = [row[0] for row in connection.execute("SELECT name FROM tags")]
            # Whatever moment it caught, the tags written during it are a prefix: no gaps.
            during = sorted(int(name[6:]) for name in names if name.startswith("during"))
            assert during == list(range(len(during)))
            # And it holds everything committed before it began, the write-ahead log too.
            assert len(during) >= committed_before
    finally:
        stop.set()
        writer.join()
    assert written > 0


def test_server_databases_are_backed_up_with_their_own_tools(
    fresh_database: ScratchDatabase, tmp_path: Path
) -> None:
    if fresh_database.backend is Backend.SQLITE:
        pytest.skip("this is about PostgreSQL and MariaDB")
    with content_database(fresh_database, "nobackup", tmp_path) as db:
        result = db.run("db", "backup", str(tmp_path / "x.db"))
    assert result.exit_code == 2
    assert "pg_dump" in result.output
    assert not (tmp_path / "x.db").exists()
