"""Load a transfer file in batches, inside the caller's transaction.

Memory stays flat whatever the file size: lines are parsed a few chunks ahead, one batch
of one record type is held (so many records or bytes, whichever comes first), and key
maps are bounded. Lines of the same type that follow each other share a batch; a change
of type writes the batch first, so a record may refer to anything above it in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import closing
from typing import IO, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pressroom.kit.clock import utc_now
from pressroom.transfer.format import FORMAT_NAME, FORMAT_VERSION, BadLine, Header
from pressroom.transfer.loaders import Loader
from pressroom.transfer.reading import parsed_lines
from pressroom.transfer.report import ImportReport

BATCH_SIZE = 2000
# A batch of typical articles stays far under this; one of the longest allowed is cut short.
BATCH_BYTES = 16_000_000

Advance = Callable[[int], None]


class UnsupportedFile(ValueError):
    """The whole file cannot be read: a header of an unknown version, for one."""


class ImportFailed(RuntimeError):
    """The database refused a batch; the message names its lines. Nothing should be kept."""


def import_stream(
    session: Session,
    stream: IO[bytes],
    *,
    advance: Advance = lambda rows: None,
    batch_size: int | None = None,
) -> ImportReport:
    """Load every good line of ``stream`` through ``session``; the caller commits or not."""
    size = batch_size or BATCH_SIZE
    report = ImportReport()
    loader = Loader(session, report, utc_now())
    writers: dict[str, Callable[[Sequence[tuple[int, Any]]], None]] = {
        "user": loader.users_batch,
        "tag": loader.tags_batch,
        "article": loader.articles_batch,
        "comment": loader.comments_batch,
        "follow": loader.follows_batch,
        "favorite": loader.favorites_batch,
    }
    batch: list[tuple[int, Any]] = []
    batch_type = ""
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch_bytes
        batch_bytes = 0
        if not batch:
            return
        try:
            writers[batch_type](batch)
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise ImportFailed(
                f"lines {batch[0][0]}-{batch[-1][0]} ({batch_type} records): "
                f"the database refused them: {reason}"
            ) from exc
        advance(len(batch))
        batch.clear()

    first_line = 0
    with closing(parsed_lines(stream)) as lines:
        for number, length, record in lines:
            first_line = first_line or number
            if isinstance(record, BadLine):
                report.bad(number, record.reason, record.record_type, column=record.column)
                continue
            if isinstance(record, Header):
                _check_header(record, number, first=number == first_line, report=report)
                continue
            if record.type != batch_type or len(batch) >= size or batch_bytes >= BATCH_BYTES:
                flush()
                batch_type = record.type
            batch.append((number, record))
            batch_bytes += length
    flush()
    return report


def _check_header(header: Header, number: int, *, first: bool, report: ImportReport) -> None:
    if header.version != FORMAT_VERSION:
        raise UnsupportedFile(
            f"line {number}: {FORMAT_NAME} version {header.version} is not supported "
            f"(this pressroom reads version {FORMAT_VERSION})"
        )
    if not first:
        report.bad(number, "the header belongs on the first line only")
