"""One configured URL gives the async and the sync driver, whichever form the user wrote."""

from __future__ import annotations

import pytest

from pressroom.db.urls import Backend, UnsupportedDatabase, async_url, backend_of, sync_url


@pytest.mark.parametrize(
    ("given", "expected_async", "expected_sync"),
    [
        ("sqlite:///./var/p.db", "sqlite+aiosqlite:///./var/p.db", "sqlite+pysqlite:///./var/p.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db", "sqlite+pysqlite:///x.db"),
        (
            "postgresql://u:pw@h/db",
            "postgresql+asyncpg://u:pw@h/db",
            "postgresql+psycopg://u:pw@h/db",
        ),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+asyncpg://h/db", "postgresql+asyncpg://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg2://h/db", "postgresql+asyncpg://h/db", "postgresql+psycopg://h/db"),
        ("mysql://root@h/db", "mysql+aiomysql://root@h/db", "mysql+pymysql://root@h/db"),
        ("mysql+asyncmy://root@h/db", "mysql+aiomysql://root@h/db", "mysql+pymysql://root@h/db"),
        ("mariadb+pymysql://r@h/db", "mariadb+aiomysql://r@h/db", "mariadb+pymysql://r@h/db"),
    ],
)
def test_both_driver_forms_are_derived(given: str, expected_async: str, expected_sync: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected_async
    assert sync_url(given).render_as_string(hide_password=False) == expected_sync


def test_backend_names() -> None:
    assert backend_of("postgres://h/db") is Backend.POSTGRESQL
    assert backend_of("mariadb://h/db") is Backend.MYSQL
    assert backend_of("sqlite://") is Backend.SQLITE


def test_an_unsupported_database_is_refused_clearly() -> None:
    with pytest.raises(UnsupportedDatabase, match="oracle"):
        async_url("oracle://scott:tiger@h/db")
