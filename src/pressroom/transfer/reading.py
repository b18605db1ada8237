"""Reading a transfer file: bounded lines, parsed on a thread while the database works.

Writing a batch is mostly waiting for the database, and the driver lets go of the GIL
while it waits; parsing the next lines meanwhile hides most of the JSON and validation
time. A few chunks are parsed ahead at most, so memory stays flat.
"""

from __future__ import annotations

import codecs
import queue
import threading
from collections.abc import Generator, Iterator
from typing import IO

from pressroom.articles.schemas import BODY_MAX, TAGS_MAX
from pressroom.models.articles import DESCRIPTION_MAX, SLUG_MAX, TITLE_MAX
from pressroom.models.tags import TAG_MAX
from pressroom.models.users import USERNAME_MAX
from pressroom.transfer.format import BadLine, DataRecord, Header, parse_line

# The longest record the format accepts is an article with every field at its limit. Any
# JSON writer may escape every character (``json.dumps`` does by default): six bytes for
# one in the Basic Multilingual Plane, twelve for one beyond it (a surrogate pair), where
# the limits count characters. The rest is room for the keys, quotes, dates and spaces.
_LONGEST_TEXT = BODY_MAX + TITLE_MAX + DESCRIPTION_MAX + SLUG_MAX + USERNAME_MAX
MAX_LINE_BYTES = 12 * (_LONGEST_TEXT + TAGS_MAX * TAG_MAX) + 64 * 1024  # line end not counted
# The reader hands lines over in chunks of so many lines or bytes, whichever comes first,
# and stays a few chunks ahead: memory stays flat, whether lines are short or long.
_CHUNK_LINES = 500
_CHUNK_BYTES = 1_000_000
_CHUNKS_AHEAD = 8
_READER_GRACE_SECONDS = 1.0

Parsed = tuple[int, int, Header | DataRecord | BadLine]  # line number, its bytes, its record


def read_lines(
    stream: IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for every non-blank line; ``None`` for a line whose text, its
    line end left out, is over ``limit`` bytes."""
    number = 0
    while True:
        # Room for the limit and a line end of two bytes (\r\n).
        line = stream.readline(limit + 2)
        if not line:
            return
        number += 1
        if number == 1:
            # Editors on Windows often start UTF-8 files with a byte order mark: not JSON.
            line = line.removeprefix(codecs.BOM_UTF8)
        if len(line.rstrip(b"\r\n")) > limit:
            # Drop the rest of the long line without holding it in memory.
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit)
            yield number, None
            continue
        if line.strip():
            yield number, line


def chunks(lines: Iterator[tuple[int, bytes | None]]) -> Iterator[list[tuple[int, bytes | None]]]:
    """``lines`` in chunks of at most ``_CHUNK_LINES`` lines, and of ``_CHUNK_BYTES`` bytes
    unless one line alone is longer."""
    chunk: list[tuple[int, bytes | None]] = []
    size = 0
    for number, raw in lines:
        length = len(raw) if raw is not None else 0
        if chunk and (len(chunk) >= _CHUNK_LINES or size + length > _CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append((number, raw))
        size += length
    if chunk:
        yield chunk


def _parse(raw: bytes | None) -> Header | DataRecord | BadLine:
    if raw is None:
        return BadLine(f"line longer than {MAX_LINE_BYTES:,} bytes")
    try:
        return parse_line(raw)
    except BadLine as exc:
        return exc


def parsed_lines(stream: IO[bytes]) -> Generator[Parsed]:
    """(line number, its length in bytes, record or :class:`BadLine`) for every non-blank
    line, parsed ahead."""
    ahead: queue.Queue[list[Parsed] | BaseException | None] = queue.Queue(_CHUNKS_AHEAD)
    stop = threading.Event()

    def hand_over(item: list[Parsed] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks(read_lines(stream)):
                parsed = [(number, len(raw or b""), _parse(raw)) for number, raw in chunk]
                if not hand_over(parsed):
                    return
            hand_over(None)
        except BaseException as exc:  # handed to the reading side, raised there
            hand_over(exc)

    reader = threading.Thread(target=produce, name="pressroom-import-reader", daemon=True)
    reader.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        # Stopped early, the reader ends once its current read returns: at once from a file,
        # but a pipe's writer may keep it waiting; it is then left behind, to end with the
        # process.
        reader.join(timeout=_READER_GRACE_SECONDS)
