"""SQLite: ids of users, articles and comments never given out twice

Without ``AUTOINCREMENT``, SQLite gives a new row the largest id in the table plus one,
so deleting the newest row frees its id for the next insert. Others know those rows by
their ids: a feed entry's id is built from its article's (and must never name another,
RFC 4287 §4.2.6), the API hands out comment ids, a login token names its user's. With
``AUTOINCREMENT`` SQLite remembers the largest id ever given (in ``sqlite_sequence``) and
goes on from there, as PostgreSQL's sequences and MariaDB's ``AUTO_INCREMENT`` already do:
nothing changes on those.

SQLite cannot add ``AUTOINCREMENT`` to a table, so each table is rebuilt (copied, dropped,
the copy renamed). The counter then starts from the largest id left: ids freed before
this revision by deleting the newest rows are not known any more. Dropping the table
drops its triggers, the full-text index's on ``articles`` among them, and an index the
rebuild could not read back would be lost with it: every index and trigger of the table
is put back as it was. The foreign keys of other tables name the table, so they point
at the rebuilt one; migrations run with foreign keys off on SQLite, so that dropping the
old table deletes nothing.

Tags are never deleted and their ids never leave the database, and failed sign-ins are
counted, never named: those tables stay as they are.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("users", "articles", "comments")

_INDEXES_AND_TRIGGERS = sa.text(
    "SELECT type, name, sql FROM sqlite_master"
    " WHERE tbl_name = :table AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    " ORDER BY type, name"
)
_SCHEMA_SQL = sa.text("SELECT sql FROM sqlite_master WHERE type = :type AND name = :name")


def _rebuild(table: str, *, autoincrement: bool) -> None:
    """Rebuild ``table`` with or without ``AUTOINCREMENT``, its indexes and triggers intact."""
    connection = op.get_bind()
    kept = connection.execute(_INDEXES_AND_TRIGGERS, {"table": table}).all()
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ) as batch:
        if not autoincrement:
            # AUTOINCREMENT is written on the column, which leaves the primary key unnamed;
            # without it, the key gets its name back.
            batch.create_primary_key(f"pk_{table}", ["id"])
    for kind, name, sql in kept:
        now = connection.scalar(_SCHEMA_SQL, {"type": kind, "name": name})
        if now == sql:
            continue
        if now is not None:
            op.execute(f'DROP {kind.upper()} "{name}"')
        op.execute(sql)


def _seed_sequence(table: str) -> None:
    """The counter of ``table`` at its largest id, so that no id still in use is given again.

    Copying the rows has already raised it (SQLite counts every id inserted); this does
    not rest on that.
    """
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :table"), {"table": table})
    connection.execute(
        sa.text(
            "INSERT INTO sqlite_sequence (name, seq) SELECT name, seq FROM"
            f" (SELECT :table AS name, max(id) AS seq FROM {table}) WHERE seq IS NOT NULL"
        ),
        {"table": table},
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in _TABLES:
        _rebuild(table, autoincrement=True)
        _seed_sequence(table)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Dropping each table drops its counter; sqlite_sequence itself stays, empty, as
    # SQLite never lets it go.
    for table in reversed(_TABLES):
        _rebuild(table, autoincrement=False)
