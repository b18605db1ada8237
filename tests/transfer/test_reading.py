"""Reading a transfer file: how long a line may be, and how far ahead lines are read."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pressroom.transfer import reading
from pressroom.transfer.reading import MAX_LINE_BYTES, chunks, parsed_lines, read_lines


def test_a_line_at_the_limit_is_read_whatever_its_line_end() -> None:
    at_limit = b"x" * 10
    stream = io.BytesIO(at_limit + b"\n" + at_limit + b"\r\n" + at_limit)

    lines = list(read_lines(stream, limit=10))

    assert lines == [(1, at_limit + b"\n"), (2, at_limit + b"\r\n"), (3, at_limit)]


def test_a_line_over_the_limit_is_refused_and_the_next_one_read() -> None:
    stream = io.BytesIO(b"x" * 11 + b"\r\n" + b"y" * 25 + b"\nshort\n")

    assert list(read_lines(stream, limit=10)) == [(1, None), (2, None), (3, b"short\n")]


def test_the_reason_names_the_limit() -> None:
    line = b'{"title": "' + b"t" * MAX_LINE_BYTES + b'"}\n'

    [(number, length, record)] = list(parsed_lines(io.BytesIO(line)))

    assert (number, length) == (1, 0)
    assert isinstance(record, ValueError)
    assert str(record) == f"line longer than {MAX_LINE_BYTES:,} bytes"


def test_chunks_are_bounded_in_lines_and_in_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "_CHUNK_LINES", 3)
    monkeypatch.setattr(reading, "_CHUNK_BYTES", 100)

    def line_numbers(lines: list[tuple[int, bytes | None]]) -> list[list[int]]:
        return [[number for number, _ in chunk] for chunk in chunks(iter(lines))]

    short = [(n, b"s" * 10) for n in range(1, 8)]
    assert line_numbers(short) == [[1, 2, 3], [4, 5, 6], [7]]
    # A line longer than the budget goes alone; a refused line (None) weighs nothing.
    mixed = [(1, b"a" * 60), (2, b"b" * 60), (3, b"c" * 250), (4, None), (5, b"d" * 30)]
    assert line_numbers(mixed) == [[1], [2], [3], [4, 5]]


def test_an_import_that_fails_does_not_wait_for_the_pipe_to_close(tmp_path: Path) -> None:
    """A writer still sending (or stalled) must not keep a failed import from ending, nor
    the reader it leaves waiting on standard input make the process abort as it exits."""
    env = os.environ | {
        "PRESSROOM_DATABASE_URL": f"sqlite:///{tmp_path}/import.db",
        "PRESSROOM_LOG_LEVEL": "WARNING",
    }
    command = [str(Path(sys.executable).parent / "pressroom"), "import", "-"]
    lines = [b'{"type": "pressroom-export", "version": 99}\n']
    lines += [b'{"type": "tag", "name": "t%d"}\n' % n for n in range(700)]  # past a chunk
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr_file:
        process = subprocess.Popen(  # noqa: S603 (our own command)
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr_file
        )
    assert process.stdin is not None
    try:
        process.stdin.write(b"".join(lines))
        process.stdin.flush()  # and the pipe stays open, as a stalled writer's would
        returncode = process.wait(timeout=60)
    finally:
        process.kill()
        process.stdin.close()
        process.wait()

    stderr = errors.read_bytes()
    assert returncode == 2, stderr
    assert b"version 99 is not supported" in stderr
    assert b"Fatal Python error" not in stderr
