"""Reads from a replica, and a client's own writes.

With ``PRESSROOM_READ_DATABASE_URL`` set, a client that writes and then reads (registers,
then fetches its user; publishes, then opens the article) sends the read to the replica.
Unless the replica already shows the write, the user's token is refused and the article
is not found. PostgreSQL makes the read see the write when the primary names the replica
in ``synchronous_standby_names`` and the write commits with ``synchronous_commit =
remote_apply``: the commit returns, and the answer goes out, only once the replica has
applied it. pressroom asks for ``remote_apply`` on its write connections (behind a
transaction pooler the database role must, see the README); which standbys the primary
waits for is the operator's to set. Each worker checks both when it starts, and warns.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.config import Settings
from pressroom.db.urls import Backend, async_url, backend_of

logger = logging.getLogger("pressroom.db.replicas")

REMOTE_APPLY = "remote_apply"


def reads_elsewhere(settings: Settings) -> bool:
    """Whether read requests go to another database than writes: a replica."""
    if not settings.read_database_url:
        return False
    return async_url(settings.read_database_url) != async_url(settings.database_url)


async def read_your_writes_problems(writes: AsyncEngine, settings: Settings) -> list[str]:
    """Why a client's next read might miss the write it just made; none when it cannot."""
    if not reads_elsewhere(settings):
        return []
    backend = backend_of(writes.url)
    if backend is Backend.MYSQL:
        return [
            "a MySQL or MariaDB replica applies writes when it gets to them, and nothing "
            "makes the primary's commit wait for that"
        ]
    if backend is not Backend.POSTGRESQL:
        return []
    async with writes.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT current_setting('synchronous_commit'),"
                " current_setting('synchronous_standby_names')"
            )
        )
        synchronous_commit, standby_names = found.one()
    problems = []
    if not standby_names.strip():
        problems.append(
            "the primary's synchronous_standby_names is empty, so its commits wait for no "
            "replica: name there every replica that serves reads"
        )
    if synchronous_commit != REMOTE_APPLY:
        problems.append(
            f"writes commit with synchronous_commit = {synchronous_commit}, which does not "
            "wait for a replica to apply them: ALTER ROLE ... SET synchronous_commit = "
            "remote_apply for pressroom's role"
        )
    return problems


async def warn_unless_reads_see_writes(writes: AsyncEngine, settings: Settings) -> None:
    """Log, once per worker, every reason a client may not see its own writes at once."""
    try:
        problems = await read_your_writes_problems(writes, settings)
    except (SQLAlchemyError, OSError) as exc:
        # The database may be down at start-up; /readyz says so, and the worker still starts.
        logger.warning("could not check the read replica set-up: %s", type(exc).__name__)
        return
    for problem in problems:
        logger.warning("reads go to a replica, and a client may miss its own writes: %s", problem)
