"""One database URL, two drivers: the async app and the sync CLI each get their own form."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.engine import URL, make_url


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"
    MYSQL = "mysql"


_BACKEND_ALIASES = {
    "sqlite": Backend.SQLITE,
    "postgresql": Backend.POSTGRESQL,
    "postgres": Backend.POSTGRESQL,
    "mysql": Backend.MYSQL,
    "mariadb": Backend.MYSQL,
}

# (async driver, sync driver) per backend.
_DRIVERS = {
    Backend.SQLITE: ("aiosqlite", "pysqlite"),
    Backend.POSTGRESQL: ("asyncpg", "psycopg"),
    Backend.MYSQL: ("aiomysql", "pymysql"),
}


class UnsupportedDatabase(ValueError):
    """The URL names a database pressroom does not run on."""


def backend_of(url: str | URL) -> Backend:
    """Which of the three supported databases a URL points at."""
    name = make_url(url).get_backend_name()
    try:
        return _BACKEND_ALIASES[name]
    except KeyError:
        raise UnsupportedDatabase(
            f"unsupported database {name!r}: use sqlite, postgresql, mysql or mariadb"
        ) from None


def _with_driver(url: str | URL, *, use_async: bool) -> URL:
    parsed = make_url(url)
    backend = backend_of(parsed)
    driver = _DRIVERS[backend][0 if use_async else 1]
    # "mariadb" stays "mariadb" so SQLAlchemy picks its MariaDB dialect.
    name = "postgresql" if backend is Backend.POSTGRESQL else parsed.get_backend_name()
    return parsed.set(drivername=f"{name}+{driver}")


def async_url(url: str | URL) -> URL:
    """The URL with the async driver (aiosqlite, asyncpg or aiomysql)."""
    return _with_driver(url, use_async=True)


def sync_url(url: str | URL) -> URL:
    """The URL with the sync driver (pysqlite, psycopg or pymysql)."""
    return _with_driver(url, use_async=False)
