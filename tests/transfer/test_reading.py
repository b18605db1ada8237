"""Reading a transfer file: how long a line may be, and how far ahead lines are read."""

from __future__ import annotations

import io

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
