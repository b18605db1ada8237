"""The databases the suite runs on: SQLite always, PostgreSQL and MySQL/MariaDB when reachable.

Each server database is picked by one environment variable holding an admin URL (any
database the user may connect to); the suite creates and drops its own scratch databases
beside it, so it never touches the data at that URL.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from pressroom.db.urls import Backend, sync_url

ENV_VARS = {
    Backend.POSTGRESQL: "PRESSROOM_TEST_POSTGRESQL_URL",
    Backend.MYSQL: "PRESSROOM_TEST_MYSQL_URL",
}
# In CI a database that cannot be reached is a failure, not a skip.
REQUIRE_ALL = os.environ.get("PRESSROOM_TEST_REQUIRE_ALL") == "1"


class Unavailable(Exception):
    """The database is not configured or cannot be reached; the message says which."""


@dataclass(frozen=True)
class ScratchDatabase:
    backend: Backend
    url: URL  # sync form; the app derives the async form itself

    @property
    def name(self) -> str:
        return self.backend.value


def _suffix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return re.sub(r"\W", "", worker)


def create_scratch(backend: Backend, label: str, tmp_dir: Path) -> ScratchDatabase:
    """A new, empty database named ``pressroom_<label>`` on ``backend``."""
    name = f"pressroom_{label}{_suffix()}"
    if backend is Backend.SQLITE:
        path = tmp_dir / f"{name}.db"
        for leftover in tmp_dir.glob(f"{name}.db*"):
            leftover.unlink()
        return ScratchDatabase(backend, sync_url(f"sqlite:///{path}"))

    admin_url = os.environ.get(ENV_VARS[backend], "")
    if not admin_url:
        raise Unavailable(f"{backend.value}: {ENV_VARS[backend]} is not set")
    admin = sync_url(admin_url)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", connect_args=_timeout(backend))
    try:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            if backend is Backend.MYSQL:
                connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
            else:
                connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:
        raise Unavailable(
            f"{backend.value} at {admin.render_as_string()} is unreachable: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        ) from exc
    finally:
        engine.dispose()
    return ScratchDatabase(backend, admin.set(database=name))


def drop_scratch(database: ScratchDatabase) -> None:
    if database.backend is Backend.SQLITE:
        return
    admin_url = sync_url(os.environ[ENV_VARS[database.backend]])
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if database.backend is Backend.POSTGRESQL:
                connection.execute(text(f"DROP DATABASE IF EXISTS {database.url.database} (FORCE)"))
            else:
                connection.execute(text(f"DROP DATABASE IF EXISTS {database.url.database}"))
    finally:
        engine.dispose()


def _timeout(backend: Backend) -> dict[str, int]:
    return {"connect_timeout": 5}
