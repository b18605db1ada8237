"""``pressroom export`` and ``pressroom import`` through the CLI, on every database.

Each backend gets two databases of its own (a source and a target), emptied before each
test; the commands commit for real, as they do in production.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from pressroom.articles.schemas import BODY_MAX, TAGS_MAX
from pressroom.db import migrate
from pressroom.db.engine import create_sync_engine
from pressroom.models import Tag, User, article_tags, favorites, follows
from pressroom.models.articles import DESCRIPTION_MAX, SLUG_MAX, TITLE_MAX
from pressroom.models.tags import TAG_MAX
from pressroom.models.users import USERNAME_MAX
from pressroom.transfer import export, importer, loaders
from pressroom.transfer.format import UNUSABLE_PASSWORD
from pressroom.transfer.reading import MAX_LINE_BYTES
from tests.cleanup import delete_everything
from tests.conftest import settings_for
from tests.counts import wrong_counts
from tests.databases import ScratchDatabase, create_scratch, drop_scratch
from tests.factories import make_article, make_comment, make_user
from tests.transfer.content_db import ContentDatabase

_files = itertools.count(1)
T0 = datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


class Side(ContentDatabase):
    """One database the commands run against."""

    def export(self, tmp_path: Path, *flags: str) -> bytes:
        out = tmp_path / f"export-{next(_files)}.jsonl"
        result = self.run("export", "--out", str(out), *flags)
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    def import_file(self, path: Path, *flags: str) -> tuple[int, dict[str, Any]]:
        """Exit code and the ``--json`` report."""
        result = self.run("import", str(path), "--json", *flags)
        return result.exit_code, json.loads(result.stdout)

    def empty(self) -> None:
        with self.engine.begin() as connection:
            delete_everything(connection)


@contextmanager
def transfer_databases(backend_db: ScratchDatabase, label: str, tmp: Path) -> Iterator[list[Side]]:
    """A migrated source and target database on the backend of ``backend_db``."""
    sides = []
    try:
        for role in ("source", "target"):
            database = create_scratch(backend_db.backend, f"{label}_{role}", tmp)
            migrate.upgrade(migrate.alembic_config(database.url))
            sides.append(Side(database, create_sync_engine(settings_for(database))))
        yield sides
    finally:
        for side in sides:
            side.engine.dispose()
            drop_scratch(side.database)


@pytest.fixture(scope="module")
def databases(
    fresh_database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Side]]:
    with transfer_databases(fresh_database, "xfer", tmp_path_factory.getbasetemp()) as sides:
        yield sides


@pytest.fixture
def source(databases: list[Side]) -> Side:
    databases[0].empty()
    return databases[0]


@pytest.fixture
def target(databases: list[Side]) -> Side:
    databases[1].empty()
    return databases[1]


def fill(engine: Engine) -> None:
    """A small publication with every kind of record and the awkward cases."""
    later = datetime.now(UTC) + timedelta(days=30)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        ann = make_user(
            session,
            username="ann",
            email="ann@example.org",
            bio='Writes about "quotes",\nnew lines and émojis 🎉',
            image="https://example.org/ann.png",
            password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            created_at=T0,
        )
        # Bob has signed out everywhere twice.
        bob = make_user(session, username="Bob", email="bob@example.org", token_generation=2)
        zoe = make_user(session, username="zoë", email="zoe@example.org")
        published = make_article(
            session,
            ann,
            published_at=T0,
            title="Ünïcode & <angle> brackets",
            body="# Heading\n\nA line\u2028separator, a tab\tand 🎉.",
            created_at=T0,
        )
        draft = make_article(session, bob, published_at=None, title="A draft")
        scheduled = make_article(session, zoe, published_at=later, title="Coming soon")
        tags = [Tag(name=name) for name in ("python", "Python", "ünï")]
        session.add_all(tags)
        session.flush()
        tag_ids = [tag.id for tag in tags]
        session.execute(
            insert(article_tags),
            [
                {"article_id": published.id, "tag_id": tag_ids[0]},
                {"article_id": published.id, "tag_id": tag_ids[2]},
                {"article_id": scheduled.id, "tag_id": tag_ids[1]},
            ],
        )
        make_comment(session, published, bob, body="First!")
        make_comment(session, published, bob, body="Second thought")
        make_comment(session, draft, zoe, body="On a draft")
        session.execute(
            insert(follows),
            [
                {"follower_id": bob.id, "followee_id": ann.id, "created_at": T0},
                {"follower_id": ann.id, "followee_id": zoe.id, "created_at": T0},
            ],
        )
        session.execute(
            insert(favorites),
            [
                {"user_id": bob.id, "article_id": published.id, "created_at": T0},
                {"user_id": zoe.id, "article_id": published.id, "created_at": T0},
            ],
        )


def records(export: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in export.splitlines()]


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / f"input-{next(_files)}.jsonl"
    path.write_bytes(content)
    return path


def test_export_lists_every_record_by_natural_keys(source: Side, tmp_path: Path) -> None:
    fill(source.engine)
    lines = records(source.export(tmp_path))

    assert lines[0] == {"type": "pressroom-export", "version": 1, "secrets": False}
    types = [line["type"] for line in lines[1:]]
    assert (
        types
        == ["user"] * 3
        + ["tag"] * 3
        + ["article"] * 3
        + ["comment"] * 3
        + ["follow"] * 2
        + ["favorite"] * 2
    )
    articles = {line["title"]: line for line in lines if line["type"] == "article"}
    assert articles["A draft"]["publishedAt"] is None
    assert articles["Coming soon"]["publishedAt"] > datetime.now(UTC).isoformat()
    assert articles["Ünïcode & <angle> brackets"]["tagList"] == ["python", "ünï"]
    assert articles["Ünïcode & <angle> brackets"]["publishedAt"] == "2024-03-01T12:00:00.123456Z"
    assert "version" not in articles["A draft"]
    favorite = next(line for line in lines if line["type"] == "favorite")
    assert favorite == {
        "type": "favorite",
        "user": "Bob",
        "article": articles["Ünïcode & <angle> brackets"]["slug"],
        "createdAt": "2024-03-01T12:00:00.123456Z",
    }
    assert not any("id" in line or "authorId" in line for line in lines)


def test_round_trip_through_an_empty_database_gives_identical_bytes(
    source: Side, target: Side, tmp_path: Path
) -> None:
    fill(source.engine)
    first = source.export(tmp_path, "--include-secrets")

    code, report = target.import_file(write(tmp_path, first))

    assert code == 0, report
    assert report["committed"] is True
    assert report["counts"]["article"] == {"inserted": 3, "unchanged": 0, "skipped": 0}
    assert target.export(tmp_path, "--include-secrets") == first
    assert target.export(tmp_path) == source.export(tmp_path)
    with target.engine.connect() as connection:
        assert wrong_counts(connection) == []


def test_round_trip_in_tiny_pages_batches_and_key_maps(
    source: Side, target: Side, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_SIZE", 1)
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    monkeypatch.setattr(loaders, "DIRECTORY_CAPACITY", 2)
    fill(source.engine)
    first = source.export(tmp_path, "--include-secrets")

    code, report = target.import_file(write(tmp_path, first))

    assert code == 0, report
    assert target.export(tmp_path, "--include-secrets") == first
    with target.engine.connect() as connection:
        assert wrong_counts(connection) == []


def test_reimporting_the_same_file_changes_nothing(
    source: Side, target: Side, tmp_path: Path
) -> None:
    fill(source.engine)
    path = write(tmp_path, source.export(tmp_path, "--include-secrets"))
    target.import_file(path)
    after_first = target.export(tmp_path, "--include-secrets")

    code, report = target.import_file(path)

    assert code == 0
    expected = {"user": 3, "tag": 3, "article": 3, "comment": 3, "follow": 2, "favorite": 2}
    for kind, count in expected.items():
        assert report["counts"][kind] == {"inserted": 0, "unchanged": count, "skipped": 0}
    assert target.export(tmp_path, "--include-secrets") == after_first


def test_password_hashes_only_with_include_secrets(
    source: Side, target: Side, tmp_path: Path
) -> None:
    fill(source.engine)
    plain = records(source.export(tmp_path))
    secret = records(source.export(tmp_path, "--include-secrets"))

    assert not any("passwordHash" in line or "tokenGeneration" in line for line in plain)
    assert secret[0]["secrets"] is True
    users = {line["username"]: line for line in secret if line["type"] == "user"}
    assert users["ann"]["passwordHash"] == "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
    # Written for a user who has signed out everywhere, so their old tokens stay void.
    assert users["Bob"]["tokenGeneration"] == 2
    assert "tokenGeneration" not in users["ann"]

    target.import_file(write(tmp_path, b"\n".join(json.dumps(r).encode() for r in plain)))
    with target.engine.connect() as connection:
        stored = set(connection.execute(select(User.password_hash, User.token_generation)))
    assert stored == {(UNUSABLE_PASSWORD, 0)}


def test_dry_run_checks_everything_and_writes_nothing(
    source: Side, target: Side, tmp_path: Path
) -> None:
    fill(source.engine)
    path = write(tmp_path, source.export(tmp_path))
    empty = target.export(tmp_path)

    code, report = target.import_file(path, "--dry-run")

    assert code == 0
    assert report["dryRun"] is True
    assert report["committed"] is False
    assert report["counts"]["comment"]["inserted"] == 3
    assert target.export(tmp_path) == empty


def _with_a_new_user_and_a_bad_line(export: bytes) -> tuple[bytes, int]:
    lines = export.splitlines()
    new_user = b'{"type":"user","username":"newcomer","email":"new@example.org"}'
    bad = b'{"type":"article","slug":"orphan","title":"T","body":"B","author":"ghost"}'
    content = [lines[0], new_user, *lines[1:], bad]
    return b"\n".join(content) + b"\n", len(content)


def test_abort_mode_leaves_the_database_exactly_as_it_was(
    source: Side, target: Side, tmp_path: Path
) -> None:
    fill(source.engine)
    export = source.export(tmp_path)
    target.import_file(write(tmp_path, export))
    target.run("import", str(write(tmp_path, b'{"title":"Extra","body":"x","author":"ann"}\n')))
    before = target.export(tmp_path, "--include-secrets")
    content, bad_line = _with_a_new_user_and_a_bad_line(export)

    code, report = target.import_file(write(tmp_path, content))

    assert code == 1
    assert report["committed"] is False
    assert report["errors"] == [{"line": bad_line, "reason": "article: unknown author 'ghost'"}]
    assert target.export(tmp_path, "--include-secrets") == before


def test_skip_mode_imports_the_good_lines_and_fails(
    source: Side, target: Side, tmp_path: Path
) -> None:
    fill(source.engine)
    content, bad_line = _with_a_new_user_and_a_bad_line(source.export(tmp_path))
    path = write(tmp_path, content)

    result = target.run("import", str(path), "--on-error", "skip")

    assert result.exit_code == 1
    assert f"line {bad_line}: article: unknown author 'ghost'" in result.stderr
    exported = records(target.export(tmp_path))
    assert "newcomer" in {line.get("username") for line in exported}
    assert "orphan" not in {line.get("slug") for line in exported}
    assert len(exported) == len(content.splitlines()) - 1


def test_minimal_article_form(target: Side, tmp_path: Path) -> None:
    with Session(target.engine) as session, session.begin():
        make_user(session, username="ann", email="ann@example.org")
    minimal = [
        {"title": "Hello World", "body": "Brought from elsewhere.", "author": "ann"},
        {
            "title": "Second",
            "body": "b",
            "author": "ann",
            "description": "d",
            "tagList": ["imported", "notes"],
            "publishedAt": None,
            "slug": "my-own-slug",
        },
        {"title": "Later", "body": "b", "author": "ann", "publishedAt": "2999-01-01T00:00:00Z"},
    ]
    path = write(tmp_path, b"".join(json.dumps(r).encode() + b"\n" for r in minimal))
    started = datetime.now(UTC)

    code, report = target.import_file(path)
    again_code, again = target.import_file(path)

    assert code == 0, report
    assert report["counts"]["article"] == {"inserted": 3, "unchanged": 0, "skipped": 0}
    assert report["counts"]["tag"] == {"inserted": 2, "unchanged": 0, "skipped": 0}
    assert again_code == 0
    assert again["counts"]["article"] == {"inserted": 0, "unchanged": 3, "skipped": 0}
    assert again["counts"]["tag"] == {"inserted": 0, "unchanged": 0, "skipped": 0}
    lines = records(target.export(tmp_path))
    articles = {line["slug"]: line for line in lines if line["type"] == "article"}
    assert set(articles) == {"hello-world", "my-own-slug", "later"}
    hello = articles["hello-world"]
    assert hello["description"] == ""
    assert started.isoformat() <= hello["publishedAt"].replace("Z", "+00:00")
    assert articles["my-own-slug"]["publishedAt"] is None
    assert articles["my-own-slug"]["tagList"] == ["imported", "notes"]
    assert articles["later"]["publishedAt"] == "2999-01-01T00:00:00.000000Z"
    assert {line["name"] for line in lines if line["type"] == "tag"} == {"imported", "notes"}


# What an import's statements write, in the order every web write takes their row locks
# (``pressroom.articles.counters``): against any other order, an import and a web write on
# the same tags could each hold a lock the other waits for.
WRITERS_LOCK_ORDER = [
    "UPDATE site_totals",
    "INSERT INTO scheduled_hours",
    "UPDATE tags",
    "INSERT INTO tag_scheduled_hours",
    "INSERT INTO article_tags",
]


def test_an_import_takes_its_locks_in_the_order_every_writer_does(
    target: Side, tmp_path: Path
) -> None:
    with Session(target.engine) as session, session.begin():
        make_user(session, username="ann", email="ann@example.org")
        session.add(Tag(name="python"))
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    articles = [
        {"title": "Now", "body": "b", "author": "ann", "tagList": ["python", "new"]},
        {
            "title": "Soon",
            "body": "b",
            "author": "ann",
            "tagList": ["python"],
            "publishedAt": later,
        },
    ]
    path = write(tmp_path, b"".join(json.dumps(r).encode() + b"\n" for r in articles))
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    # On the class: the command builds its own engine.
    event.listen(Engine, "before_cursor_execute", record)
    try:
        code, report = target.import_file(path)
    finally:
        event.remove(Engine, "before_cursor_execute", record)

    assert code == 0, report
    first_at = {
        writes: next((at for at, sql in enumerate(statements) if sql.startswith(writes)), None)
        for writes in WRITERS_LOCK_ORDER
    }
    assert None not in first_at.values(), first_at
    assert sorted(WRITERS_LOCK_ORDER, key=first_at.__getitem__) == WRITERS_LOCK_ORDER, first_at
    # Each is written once for the batch, not once per article or per tag.
    for writes in WRITERS_LOCK_ORDER:
        assert sum(sql.startswith(writes) for sql in statements) == 1, writes
    with target.engine.connect() as connection:
        assert wrong_counts(connection) == []


def test_the_longest_article_imports_with_every_character_escaped(
    target: Side, tmp_path: Path
) -> None:
    # Every field at its limit, in characters beyond the Basic Multilingual Plane, which
    # json.dumps writes by default as surrogate pairs: twelve bytes each.
    author = "\U0001d4d0" * USERNAME_MAX
    with Session(target.engine) as session, session.begin():
        make_user(session, username=author, email="long@example.org")
    article = {
        "type": "article",
        "slug": "\U0001f4dc" * SLUG_MAX,
        "title": "\U0001d4e3" * TITLE_MAX,
        "description": "\U0001d4d3" * DESCRIPTION_MAX,
        "body": "\U0001f389" * BODY_MAX,
        "author": author,
        "tagList": [chr(0x1F600 + n) * TAG_MAX for n in range(TAGS_MAX)],
        "publishedAt": "2024-01-01T00:00:00.000000Z",
    }
    line = json.dumps(article).encode()
    assert len(line) > 0.95 * MAX_LINE_BYTES

    code, report = target.import_file(write(tmp_path, line + b"\n"))

    assert code == 0, report
    assert report["counts"]["article"] == {"inserted": 1, "unchanged": 0, "skipped": 0}
    [stored] = [line for line in records(target.export(tmp_path)) if line["type"] == "article"]
    assert {key: stored[key] for key in article} == article


def test_years_before_1000_are_written_with_four_digits_and_read_back(
    source: Side, target: Side, tmp_path: Path
) -> None:
    with Session(source.engine) as session, session.begin():
        make_user(session, username="ann", email="ann@example.org")
    early = {"title": "Early", "body": "b", "author": "ann", "createdAt": "0999-06-01T00:00:00Z"}
    code, report = source.import_file(write(tmp_path, json.dumps(early).encode()))
    assert code == 0, report
    first = source.export(tmp_path)

    code, report = target.import_file(write(tmp_path, first))

    assert code == 0, report
    articles = [line for line in records(first) if line["type"] == "article"]
    assert articles[0]["createdAt"] == "0999-06-01T00:00:00.000000Z"
    assert target.export(tmp_path) == first


def test_a_byte_order_mark_at_the_start_is_ignored(target: Side, tmp_path: Path) -> None:
    with Session(target.engine) as session, session.begin():
        make_user(session, username="ann", email="ann@example.org")
    article = {"title": "Saved on Windows", "body": "b", "author": "ann"}
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(article).encode() + b"\n")

    code, report = target.import_file(path)

    assert code == 0, report
    assert report["counts"]["article"] == {"inserted": 1, "unchanged": 0, "skipped": 0}


def test_standard_input_and_output(source: Side, target: Side) -> None:
    fill(source.engine)
    exported = source.run("export")
    assert exported.exit_code == 0

    imported = target.run("import", "-", stdin=exported.stdout_bytes)

    assert imported.exit_code == 0, imported.output
    assert target.run("export").stdout_bytes == exported.stdout_bytes


@pytest.mark.parametrize("out", [".", "/", "", "FOLDER"], ids=["dot", "root", "empty", "folder"])
def test_export_to_a_folder_or_no_name_is_one_line_and_writes_nothing(
    source: Side, out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)

    result = source.run("export", "--out", str(folder) if out == "FOLDER" else out)

    assert result.exit_code == 2, result.output
    [message] = result.stderr.splitlines()
    assert message.startswith("export failed: ")
    assert "Is a directory" in message or "No such file" in message
    assert list(tmp_path.rglob("*")) == [folder]
