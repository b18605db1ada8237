"""``pressroom export`` and ``pressroom import``: the whole publication as JSON Lines."""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from pressroom.cli.context import database_problem, open_database
from pressroom.cli.progress import progress
from pressroom.db.session import transaction
from pressroom.transfer.export import export_publication
from pressroom.transfer.importer import ImportFailed, UnsupportedFile, import_stream
from pressroom.transfer.report import ImportReport

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

# Exit codes: 1 for bad lines in the file, 2 when nothing could be done at all.
BAD_LINES = 1
FAILED = 2


def _quiet_slow_query_log() -> None:
    # Batches of thousands of rows take a while by design: not slow queries worth a warning.
    logging.getLogger("pressroom.sql.slow").setLevel(logging.ERROR)


class OnError(StrEnum):
    ABORT = "abort"
    SKIP = "skip"


def export(
    out_file: Annotated[
        str, typer.Option("--out", "-o", help="File to write, or - for standard output.")
    ] = "-",
    include_secrets: Annotated[
        bool, typer.Option("--include-secrets", help="Include password hashes.")
    ] = False,
) -> None:
    """Write the whole publication as JSON Lines (users, tags, articles, comments, ...)."""
    _quiet_slow_query_log()

    def cannot_export(problem: str) -> NoReturn:
        _export_failed(f"database error: {problem}")

    try:
        with (
            open_database(cannot_export) as factory,
            transaction(factory) as session,
            _output(out_file) as stream,
            progress("Exporting") as advance,
        ):
            counts = export_publication(
                session, stream, include_secrets=include_secrets, advance=advance
            )
    except SQLAlchemyError as exc:
        _export_failed(database_problem(exc))
    except OSError as exc:
        _export_failed(str(exc))
    if sys.stderr.isatty():
        err.print("exported " + ", ".join(f"{n:,} {kind}s" for kind, n in counts.items()))


def _export_failed(reason: str) -> NoReturn:
    err.print(f"[red]export failed:[/red] {escape(reason)}")
    raise typer.Exit(FAILED)


def import_(
    file: Annotated[str, typer.Argument(help="JSON Lines file, or - for standard input.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every line, write nothing.")
    ] = False,
    on_error: Annotated[
        OnError,
        typer.Option(
            "--on-error",
            help="abort: import nothing if any line is bad. skip: import the good lines.",
        ),
    ] = OnError.ABORT,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts and bad lines as JSON.")
    ] = False,
) -> None:
    """Import a file written by `pressroom export`, or articles in the minimal form."""
    _quiet_slow_query_log()

    def cannot_open(problem: str) -> NoReturn:
        _fail(f"database error: {problem}", as_json=as_json, dry_run=dry_run)

    try:
        with _input(file) as stream, open_database(cannot_open) as factory:
            report = _import(factory, stream, dry_run=dry_run, on_error=on_error)
    except (UnsupportedFile, ImportFailed, OSError) as exc:
        _fail(str(exc), as_json=as_json, dry_run=dry_run)
    except SQLAlchemyError as exc:
        _fail(f"database error: {database_problem(exc)}", as_json=as_json, dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(report.as_json(dry_run=dry_run), indent=2))
    else:
        _print_report(report, dry_run=dry_run, on_error=on_error)
    if report.error_count:
        raise typer.Exit(BAD_LINES)


class _Discard(Exception):
    """Raised inside the transaction to roll it back: a dry run, or bad lines under abort."""


def _import(
    factory: sessionmaker[Session], stream: IO[bytes], *, dry_run: bool, on_error: OnError
) -> ImportReport:
    report = ImportReport()
    try:
        with transaction(factory, writes=True) as session, progress("Importing") as advance:
            report = import_stream(session, stream, advance=advance)
            if dry_run or (report.error_count and on_error is OnError.ABORT):
                raise _Discard
    except _Discard:
        return report
    report.committed = True
    return report


def _fail(message: str, *, as_json: bool, dry_run: bool) -> NoReturn:
    if as_json:
        report = ImportReport(failure=message)
        typer.echo(json.dumps(report.as_json(dry_run=dry_run), indent=2))
    err.print(f"[red]import failed:[/red] {message}\nNothing was imported.")
    raise typer.Exit(FAILED)


def _print_report(report: ImportReport, *, dry_run: bool, on_error: OnError) -> None:
    for error in report.lines():
        err.print(f"{error.place}: {escape(error.reason)}")
    if report.error_count > len(report.errors):
        err.print(f"... and {report.error_count - len(report.errors):,} more bad lines")
    for kind, counts in report.counts.items():
        if any(counts.values()):
            out.print(
                f"{kind:>10}: {counts['inserted']:,} inserted, {counts['unchanged']:,} "
                f"unchanged, {counts['skipped']:,} skipped"
            )
    if dry_run:
        out.print("Dry run: nothing was written; the counts say what an import would do.")
    elif report.error_count and on_error is OnError.ABORT:
        err.print(
            f"[red]{report.error_count:,} bad lines: nothing was imported[/red] (the counts "
            "say what an import would do). "
            "Fix them, or import the good lines with --on-error skip."
        )
    elif report.error_count:
        err.print(f"[yellow]{report.error_count:,} bad lines were skipped.[/yellow]")


@contextmanager
def _input(name: str) -> Iterator[IO[bytes]]:
    if name == "-":
        yield _standard_input()
        return
    with Path(name).open("rb") as stream:
        yield stream


def _standard_input() -> IO[bytes]:
    """Standard input through a reader of its own, left open.

    The import reads on a thread, which a command that fails early may leave waiting for a
    line that a pipe's writer has yet to send. Waiting in ``sys.stdin``, it would hold that
    object's lock through the interpreter's shutdown, which then aborts.
    """
    try:
        return open(sys.stdin.fileno(), "rb", closefd=False)
    except (OSError, ValueError):  # no descriptor: input handed over in memory
        return sys.stdin.buffer


@contextmanager
def _output(name: str) -> Iterator[IO[bytes]]:
    """Standard output, or a file that appears only once it is complete."""
    if name == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if not name:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)
    target = Path(name)
    # Checked first: a folder (".", "/", "out/") would only be found out after the whole
    # export was written beside it.
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as stream:
            yield stream
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
