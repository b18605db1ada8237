"""Clean-up for tests that commit for real: rows deleted by hand, then the counts repaired.

Deleting users by hand takes their articles, favorites and links with them through ON
DELETE CASCADE, past the code that keeps the maintained counts; the operator's repair,
``pressroom recount``, sets them right again for the tests that follow.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, delete, func, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Session

from pressroom.articles import recounting
from pressroom.models import Article, Comment, Tag, User


def _delete(
    connection: Connection, users: ColumnElement[bool], tags: ColumnElement[bool] | None
) -> None:
    connection.execute(delete(User).where(users))
    if tags is not None:
        connection.execute(delete(Tag).where(tags))
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        recounting.recount(session)
        session.commit()


def delete_everything(connection: Connection) -> None:
    """Every user and tag, and with them every row that points at them."""
    _delete(connection, true(), true())


async def delete_where(
    connection: AsyncConnection,
    users: ColumnElement[bool],
    tags: ColumnElement[bool] | None = None,
) -> None:
    """The users (and tags) that match, with everything of theirs."""
    await connection.run_sync(_delete, users, tags)


def restart_ids(connection: Connection) -> None:
    """Make the emptied tables hand out ids from 1 again, as a new database does: the
    database's counters remember the ids of deleted rows, and ``pressroom seed`` starts
    above them."""
    tables = [model.__table__ for model in (User, Article, Comment, Tag)]
    dialect = connection.dialect.name
    for table in tables:
        if dialect == "postgresql":
            sequence = func.pg_get_serial_sequence(table.name, "id")
            connection.execute(select(func.setval(sequence, 1, False)))
        elif dialect == "sqlite":
            connection.execute(
                text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
            )
        else:  # MySQL and MariaDB move it up to the largest id: with no rows, 1
            connection.execute(text(f"ALTER TABLE {table.name} AUTO_INCREMENT = 1"))
