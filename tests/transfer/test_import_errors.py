"""Bad input for ``pressroom import``: every bad line named with its number and reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pressroom.db.urls import Backend
from pressroom.transfer.reading import MAX_LINE_BYTES
from tests.databases import ScratchDatabase
from tests.transfer.test_export_import import Side, records, transfer_databases, write


@pytest.fixture(scope="module")
def databases(
    fresh_database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Side]]:
    with transfer_databases(fresh_database, "xferr", tmp_path_factory.getbasetemp()) as sides:
        yield sides


@pytest.fixture
def target(databases: list[Side]) -> Side:
    databases[1].empty()
    return databases[1]


CREATED = "2024-01-01T00:00:00Z"


def _article(slug: str, **fields: object) -> dict[str, object]:
    return {"type": "article", "slug": slug, "title": "t", "body": "b", "author": "ann"} | fields


def _comment(article: str, body: str) -> dict[str, object]:
    return {
        "type": "comment",
        "article": article,
        "author": "ann",
        "body": body,
        "createdAt": CREATED,
    }


def _user(username: str) -> dict[str, object]:
    return {"type": "user", "username": username, "email": f"{username.encode().hex()}@example.org"}


HEADER = {"type": "pressroom-export", "version": 1}
# (line, expected reason or None for a good line); the line numbers are the file's.
LINES: list[tuple[str | dict[str, object], str | None]] = [
    (HEADER, None),
    ("{not json", "invalid JSON"),
    ({"type": "user", "username": "ann", "email": "ann@example.org"}, None),
    ({"type": "user", "username": "x"}, "missing field 'email'"),
    (
        {"type": "user", "username": "u" * 65, "email": "u@example.org"},
        "'username' too long (at most 64 characters)",
    ),
    (_article("s1", author="nobody"), "article: unknown author 'nobody'"),
    (_article("s2", publishedAt="yesterday"), "bad date in 'publishedAt'"),
    (_article("s3", createdAt="2024-01-01T00:00:00"), "bad date in 'createdAt'"),
    ({"type": "gizmo"}, "unknown type 'gizmo'"),
    (_comment("nope", "x"), "comment: unknown article 'nope'"),
    (_article("s4", title="t" * 256), "'title' too long (at most 255 characters)"),
    ({"type": "favorite", "user": "ann", "article": "nope"}, "favorite: unknown article 'nope'"),
    (
        {"type": "follow", "follower": "ann", "followee": "ann"},
        "follow: a user cannot follow themselves",
    ),
    (
        {"type": "user", "username": "ann2", "email": "ANN@example.org"},
        "e-mail 'ann@example.org' already belongs to user 'ann'",
    ),
    ({"type": "tag", "name": "bad\x00"}, "'name': contains control characters"),
    ("[1, 2]", "not a JSON object"),
    (_comment("s5", "c" * 20_001), "'body' too long (at most 20,000 characters)"),
    (_article("has space"), "'slug': is not a valid slug"),
    (_article("s5", tagList=["a"] * 21), None),  # one tag, however often it is named
    (_comment("s5", "ok"), None),
    (HEADER, "the header belongs on the first line only"),
    (_article("s6", body="b" * MAX_LINE_BYTES), f"line longer than {MAX_LINE_BYTES:,} bytes"),
    # Valid ISO dates whose UTC time falls outside years 1 to 9999.
    (_article("s7", createdAt="9999-12-31T23:00:00-05:00"), "bad date in 'createdAt'"),
    (_article("s8", publishedAt="0001-01-01T00:00:00+01:00"), "bad date in 'publishedAt'"),
    (_article("s9", tagList=[f"t{n}" for n in range(21)]), "'tagList': is too long"),
    # /api/articles/feed is the reader's feed: an article there could never be read.
    (_article("feed"), "'slug': is reserved"),
    (
        {k: v for k, v in _article("-", title="Feed").items() if k != "slug"},
        "slug 'feed' is reserved",
    ),
    (
        {"type": "user", "username": "u3", "email": "u3@example.org", "tokenGeneration": "2"},
        "'tokenGeneration': Input should be a valid integer",
    ),
    # What the API refuses, by the API's own rules: names whose pages cannot be reached or
    # that pass for another's, and text with nothing to read.
    (_user("a/b"), "'username': cannot contain '/'"),
    (_user(".."), "'username': cannot be only dots"),
    (_user("p\u0430ul"), "'username': mixes the letters of different scripts"),
    (_user("zero\u200bwidth"), "'username': contains control or invisible characters"),
    (_user("tab\u3000x"), "'username': contains white space other than spaces"),
    (_user(" ann"), "'username': has leading or trailing spaces"),
    # Copied as spelled or refused: composing it would make it another name than the file's.
    (
        _user("Zoe\u0308"),
        "'username': is not in composed form (Unicode NFC), as the API stores names: "
        "write 'Zo\u00eb'",
    ),
    ({"type": "tag", "name": ".."}, "'name': cannot be only dots"),
    ({"type": "tag", "name": "cafe\u0301"}, "'name': is not in composed form"),
    (_article("s10", tagList=["fine", ".."]), "'tagList.1': cannot be only dots"),
    (_article("s11", title="  "), "'title': can't be blank"),
    (_article("s12", body=" \n\t "), "'body': can't be blank"),
    (_article("s13", description="  "), "'description': can't be blank"),
    (_comment("s5", "  "), "'body': can't be blank"),
]


def _file(tmp_path: Path) -> Path:
    lines = (line if isinstance(line, str) else json.dumps(line) for line, _ in LINES)
    return write(tmp_path, "\n".join(lines).encode() + b"\n")


def _check_errors(report: dict[str, object]) -> None:
    errors = report["errors"]
    assert isinstance(errors, list)
    expected = [(n, reason) for n, (_, reason) in enumerate(LINES, start=1) if reason]
    assert [e["line"] for e in errors] == [n for n, _ in expected]
    for error, (_, reason) in zip(errors, expected, strict=True):
        assert reason in error["reason"], (error, reason)


def test_every_bad_line_is_reported_and_abort_imports_nothing(target: Side, tmp_path: Path) -> None:
    empty = target.export(tmp_path)

    code, report = target.import_file(_file(tmp_path))

    assert code == 1
    assert report["committed"] is False
    _check_errors(report)
    assert target.export(tmp_path) == empty


def test_skip_imports_exactly_the_good_lines(target: Side, tmp_path: Path) -> None:
    result = target.run("import", str(_file(tmp_path)), "--on-error", "skip")

    assert result.exit_code == 1
    assert "line 2, column 2: invalid JSON (key must be a string)" in result.stderr
    assert f"line 22: line longer than {MAX_LINE_BYTES:,} bytes" in result.stderr
    assert "bad lines were skipped" in result.stderr
    kept = [
        (r["type"], r.get("username") or r.get("slug") or r.get("name"))
        for r in records(target.export(tmp_path))[1:]
    ]
    assert kept == [("user", "ann"), ("tag", "a"), ("article", "s5"), ("comment", None)]


def test_dry_run_reports_the_same_bad_lines(target: Side, tmp_path: Path) -> None:
    code, report = target.import_file(_file(tmp_path), "--dry-run", "--on-error", "skip")

    assert code == 1
    assert report["committed"] is False
    _check_errors(report)
    assert records(target.export(tmp_path))[1:] == []


def test_invalid_json_is_placed_by_the_files_line_and_the_column_within_it(
    target: Side, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "\n".join(
            [
                '{"title":"A","body":"b","author":"ann"',  # ends too soon: no column says more
                '{"type":"user","username":"ann","email":"ann@example.org"}',
                "",
                '{"title":"A","body":"b", 7:"ann"}',
                '{"title":"Ünï€","body":"b", 7:"ann"}',  # characters, not bytes
                '{"title":"A",}',
            ]
        ).encode()
        + b"\n",
    )

    code, report = target.import_file(path)
    result = target.run("import", str(path))

    assert code == 1
    assert report["errors"] == [
        {"line": 1, "reason": "invalid JSON (EOF while parsing an object)"},
        {"line": 4, "column": 26, "reason": "invalid JSON (key must be a string)"},
        {"line": 5, "column": 29, "reason": "invalid JSON (key must be a string)"},
        {"line": 6, "column": 14, "reason": "invalid JSON (trailing comma)"},
    ]
    assert result.stderr.splitlines()[:4] == [
        "line 1: invalid JSON (EOF while parsing an object)",
        "line 4, column 26: invalid JSON (key must be a string)",
        "line 5, column 29: invalid JSON (key must be a string)",
        "line 6, column 14: invalid JSON (trailing comma)",
    ]


def test_a_header_of_another_version_is_refused(target: Side, tmp_path: Path) -> None:
    path = write(tmp_path, b'{"type":"pressroom-export","version":99}\n')

    result = target.run("import", str(path))

    assert result.exit_code == 2
    assert "version 99 is not supported" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_message(target: Side, tmp_path: Path) -> None:
    result = target.run("import", str(tmp_path / "nowhere.jsonl"))

    assert result.exit_code == 2
    assert "No such file" in result.stderr


_REFUSE = {
    Backend.SQLITE: [
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON comments WHEN NEW.body = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'comment refused by trigger'); END"
    ],
    Backend.POSTGRESQL: [
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.body = 'boom' THEN RAISE EXCEPTION 'comment refused by trigger'; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON comments "
        "FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
    ],
    Backend.MYSQL: [
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON comments FOR EACH ROW BEGIN "
        "IF NEW.body = 'boom' THEN SIGNAL SQLSTATE '45000' "
        "SET MESSAGE_TEXT = 'comment refused by trigger'; END IF; END"
    ],
}
_ALLOW = {
    Backend.SQLITE: ["DROP TRIGGER refuse_boom"],
    Backend.POSTGRESQL: ["DROP TRIGGER refuse_boom ON comments", "DROP FUNCTION refuse_boom()"],
    Backend.MYSQL: ["DROP TRIGGER refuse_boom"],
}


@pytest.fixture
def refusing_target(target: Side) -> Iterator[Side]:
    """The target, with a trigger that makes the database itself refuse one comment."""
    backend = target.database.backend
    with target.engine.begin() as connection:
        for statement in _REFUSE[backend]:
            connection.execute(text(statement))
    yield target
    with target.engine.begin() as connection:
        for statement in _ALLOW[backend]:
            connection.execute(text(statement))


def test_a_database_error_rolls_everything_back(refusing_target: Side, tmp_path: Path) -> None:
    lines = [
        {"type": "user", "username": "ann", "email": "ann@example.org"},
        _article("s"),
        _comment("s", "boom"),
    ]
    path = write(tmp_path, b"\n".join(json.dumps(line).encode() for line in lines))

    result = refusing_target.run("import", str(path), "--on-error", "skip")

    assert result.exit_code == 2
    assert "lines 3-3 (comment records)" in result.stderr
    assert "comment refused by trigger" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert records(refusing_target.export(tmp_path))[1:] == []
