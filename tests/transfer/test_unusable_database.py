"""Every command that touches the data says in one line why the database cannot be used."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressroom.cli import app
from pressroom.config import get_settings

COMMANDS = [
    ("serve",),
    ("stats",),
    ("recount",),
    ("seed",),
    ("publish", "--drafts", "--dry-run"),
    ("purge", "--drafts-older-than", "90d", "--dry-run"),
    ("export",),
    ("import", "-"),
    ("db", "current"),
    ("db", "upgrade"),
]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens on it


def _run(url: str, args: tuple[str, ...], tmp_path: Path) -> tuple[int, str]:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            list(args),
            input=b"",
            env={
                "PRESSROOM_DATABASE_URL": url,
                "PRESSROOM_DATA_DIR": str(tmp_path),
                "PRESSROOM_LOG_LEVEL": "WARNING",
            },
        )
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unreachable_server_is_one_line_without_the_password(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    url = f"postgresql://postgres:hunter2@127.0.0.1:{_closed_port()}/pressroom"

    code, output = _run(url, args, tmp_path)

    assert code == 2, output
    assert "database error" in output
    assert "Connection refused" in output
    assert "Traceback" not in output
    assert "hunter2" not in output


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unsupported_database_is_one_line(args: tuple[str, ...], tmp_path: Path) -> None:
    code, output = _run("oracle://scott:tiger@db.example.org/orcl", args, tmp_path)

    assert code == 2, output
    assert "unsupported database 'oracle'" in output
    assert "Traceback" not in output
    assert "tiger" not in output


@pytest.mark.parametrize("args", [("stats",), ("serve",)], ids=" ".join)
def test_a_short_password_is_masked_without_garbling_the_message(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    code, output = _run("oracle://scott:b@db.example.org/orcl", args, tmp_path)

    assert code == 2, output
    assert "unsupported database 'oracle'" in output
    assert "***" not in output
