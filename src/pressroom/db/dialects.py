"""Everything dialect-specific lives here: the only module that imports ``sqlalchemy.dialects``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Connection,
    Insert,
    String,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

MYSQL_NAMES = ("mysql", "mariadb")

# Every table on MySQL/MariaDB: InnoDB (foreign keys, transactions) and full Unicode.
MYSQL_TABLE_OPTIONS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def mysql_datetime() -> TypeEngine[Any]:
    """MySQL's DATETIME keeps no fractional seconds unless asked: keep microseconds."""
    return mysql.DATETIME(fsp=6)


class WireTimestamp(FunctionElement[str]):
    """A UTC timestamp column as the API writes it, ``2026-11-24T10:11:12.345Z``, formatted
    by the database: exactly ``pressroom.kit.timefmt.iso_ms`` of the column's value.

    Reads that only show a timestamp select this text instead of the value: decoding a
    timestamp into a ``datetime`` costs the driver more than the database's formatting
    costs the database, and the text would then still have to be made in Python.
    """

    type = String()
    name = "wire_timestamp"
    inherit_cache = True


def wire_timestamp(column: ColumnExpressionArgument[datetime]) -> ColumnElement[str]:
    """``column`` (a ``UTCDateTime``) as the API's timestamp text; see ``WireTimestamp``."""
    return WireTimestamp(column)


# Each database's formatting, milliseconds truncated as iso_ms truncates them.
@compiles(WireTimestamp, "postgresql")
def _wire_timestamp_postgresql(element: WireTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""


@compiles(WireTimestamp, "sqlite")
def _wire_timestamp_sqlite(element: WireTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as text in UTC, always with six decimals: "2026-11-24 10:11:12.345678".
    # The value appears twice, so it is compiled twice: a bound one needs two placeholders.
    day, clock = (compiler.process(element.clauses, **kw) for _ in range(2))
    return f"substr({day}, 1, 10) || 'T' || substr({clock}, 12, 12) || 'Z'"


@compiles(WireTimestamp, "mysql")
@compiles(WireTimestamp, "mariadb")
def _wire_timestamp_mysql(element: WireTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    # DATETIME(6) in UTC; %f is microseconds, of which the first three digits are kept.
    column = compiler.process(element.clauses, **kw)
    pattern = "'%Y-%m-%dT%H:%i:%s.%f'"
    if compiler.dialect.paramstyle in ("format", "pyformat"):  # the drivers' own % escapes
        pattern = pattern.replace("%", "%%")
    return f"CONCAT(LEFT(DATE_FORMAT({column}, {pattern}), 23), 'Z')"


def exact_string(length: int) -> String:
    """A string compared byte for byte on every database.

    MySQL's default collations ignore case, which would make ``Alice`` and ``alice``
    collide on a unique index there and nowhere else.
    """
    variant = mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin")
    return String(length).with_variant(variant, *MYSQL_NAMES)


def long_text() -> Text:
    """Text for article bodies: MySQL's plain TEXT stops at 64 KiB."""
    return Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL_NAMES)


def insert_once(table: Table, dialect_name: str) -> Insert:
    """An INSERT that does nothing when the row's key already exists, in one statement.

    Liking or following twice, or two requests racing to do it, must leave one row and
    raise nothing. MySQL's ``INSERT IGNORE`` would also swallow foreign-key and truncation
    errors, so it gets a no-op ``ON DUPLICATE KEY UPDATE`` instead.
    """
    if dialect_name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect_name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    if dialect_name in MYSQL_NAMES:
        first_key = next(iter(table.primary_key))
        return mysql.insert(table).on_duplicate_key_update({first_key.name: first_key})
    raise NotImplementedError(f"no insert-once for {dialect_name}")


def fulltext_match(
    columns: Sequence[ColumnElement[Any]], against: str | ColumnElement[str]
) -> ColumnElement[Any]:
    """MariaDB/MySQL ``MATCH (columns) AGAINST (:q IN BOOLEAN MODE)``: true when it matches,
    and its relevance when selected."""
    return mysql.match(*columns, against=against).in_boolean_mode()


def _counter_next(connection: Connection, table: Table) -> int:
    """The next id the database's own counter of ``table`` would hand out, from the ids it
    handed out before, deleted rows' included (1 when it never handed any out)."""
    name = connection.dialect.name
    if name == "postgresql":
        # Taking the sequence's next value is how to read it whatever ``setval`` left it at;
        # the value is used up, which leaves a gap in the ids, never a reuse.
        sequence = func.pg_get_serial_sequence(table.name, "id")
        return int(connection.scalar(select(func.nextval(sequence))) or 1)
    if name == "sqlite":
        # Only a table declared AUTOINCREMENT has a row here; the others reuse the largest
        # id's successor anyway.
        seq = connection.scalar(
            text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        )
        return int(seq or 0) + 1
    if name in MYSQL_NAMES:
        if not getattr(connection.dialect, "is_mariadb", False):
            # MySQL 8 would answer from statistics cached for up to a day.
            connection.execute(text("SET SESSION information_schema_stats_expiry = 0"))
        counter = connection.scalar(
            text(
                "SELECT AUTO_INCREMENT FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :name"
            ),
            {"name": table.name},
        )
        return int(counter or 1)
    raise NotImplementedError(f"no id counter for {name}")


def next_free_id(connection: Connection, table: Table) -> int:
    """The first id of ``table`` that no row has ever had: above the largest present, and
    above every id the database handed out and a deleted row took with it.

    Rows written with explicit ids (``pressroom seed``) start here, so an id never names
    two rows in turn, and a feed reader never takes a new article for a deleted one.
    """
    largest = connection.scalar(select(func.max(table.c.id))) or 0
    return max(largest + 1, _counter_next(connection, table))


def advance_id_sequence(connection: Connection, table: Table) -> None:
    """Make the next generated id follow the largest one, after rows were given explicit ids.

    PostgreSQL's serial sequences do not notice explicit ids and would hand out taken ones;
    MySQL's AUTO_INCREMENT and SQLite's rowid always continue after the largest id. The
    sequence only ever moves forward: ids it handed out before stay used.
    """
    if connection.dialect.name != "postgresql":
        return
    sequence = func.pg_get_serial_sequence(table.name, "id")
    connection.execute(select(func.setval(sequence, next_free_id(connection, table), False)))


def refresh_planner_statistics(connection: Connection, tables: Sequence[Table]) -> None:
    """After a bulk load, let PostgreSQL plan with the new row counts instead of the old ones.

    Until autovacuum gets to it, the planner would take a million fresh rows for a few
    dozen. SQLite and MySQL/MariaDB plan well enough without it (InnoDB refreshes its own).
    """
    if connection.dialect.name != "postgresql" or not tables:
        return
    quote = connection.dialect.identifier_preparer.quote
    connection.execute(text("ANALYZE " + ", ".join(quote(table.name) for table in tables)))


def insert_or_add(table: Table, dialect_name: str, counter: str) -> Insert:
    """An INSERT that, when the row's key exists, adds the new row's ``counter`` to the
    stored one instead: one statement, safe under concurrency."""
    stored = table.c[counter]
    keys = [column.name for column in table.primary_key]
    if dialect_name == "postgresql":
        pg_statement = postgresql.insert(table)
        return pg_statement.on_conflict_do_update(
            index_elements=keys, set_={counter: stored + pg_statement.excluded[counter]}
        )
    if dialect_name == "sqlite":
        sqlite_statement = sqlite.insert(table)
        return sqlite_statement.on_conflict_do_update(
            index_elements=keys, set_={counter: stored + sqlite_statement.excluded[counter]}
        )
    if dialect_name in MYSQL_NAMES:
        mysql_statement = mysql.insert(table)
        return mysql_statement.on_duplicate_key_update(
            {counter: stored + mysql_statement.inserted[counter]}
        )
    raise NotImplementedError(f"no insert-or-add for {dialect_name}")
