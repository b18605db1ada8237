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

from pressroom.transfer.format import BadLine, DataRecord, Header, parse_line

# A body of 200,000 characters of four bytes each, and room for the other fields.
MAX_LINE_BYTES = 1_000_000
_CHUNK_LINES = 500
_CHUNKS_AHEAD = 8

Parsed = tuple[int, Header | DataRecord | BadLine]


def read_lines(
    stream: IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for every non-blank line; ``None`` for a line over ``limit`` bytes."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if number == 1:
            # Editors on Windows often start UTF-8 files with a byte order mark: not JSON.
            line = line.removeprefix(codecs.BOM_UTF8)
        if len(line) > limit:
            # Drop the rest of the long line without holding it in memory.
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit)
            yield number, None
            continue
        if line.strip():
            yield number, line


def _parse(raw: bytes | None) -> Header | DataRecord | BadLine:
    if raw is None:
        return BadLine(f"line longer than {MAX_LINE_BYTES:,} bytes")
    try:
        return parse_line(raw)
    except BadLine as exc:
        return exc


def parsed_lines(stream: IO[bytes]) -> Generator[Parsed]:
    """(line number, record or :class:`BadLine`) for every non-blank line, parsed ahead."""
    chunks: queue.Queue[list[Parsed] | BaseException | None] = queue.Queue(_CHUNKS_AHEAD)
    stop = threading.Event()

    def hand_over(item: list[Parsed] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            chunk: list[Parsed] = []
            for number, raw in read_lines(stream):
                chunk.append((number, _parse(raw)))
                if len(chunk) >= _CHUNK_LINES:
                    if not hand_over(chunk):
                        return
                    chunk = []
            if not chunk or hand_over(chunk):
                hand_over(None)
        except BaseException as exc:  # handed to the reading side, raised there
            hand_over(exc)

    reader = threading.Thread(target=produce, name="pressroom-import-reader", daemon=True)
    reader.start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        reader.join()
