"""Alembic environment: compare types, name constraints, batch mode on SQLite."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

import pressroom.models  # noqa: F401  (registers every table on the metadata)
from pressroom.config import get_settings
from pressroom.db.base import Base
from pressroom.db.engine import create_sync_engine
from pressroom.db.migrate import check_sqlite_foreign_keys, sqlite_foreign_keys_off
from pressroom.models.search import is_search_object

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    # The full-text index lives outside the ORM (see pressroom.models.search); comparing
    # it with the models would ask to drop it.
    return not is_search_object(type_, name)


def _configure_options(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        "compare_server_default": True,
        # SQLite cannot ALTER most things: Alembic rebuilds the table instead.
        "render_as_batch": dialect_name == "sqlite",
        "user_module_prefix": "pressroom.db.types.",
        "include_name": _include_name,
    }


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``--sql``)."""
    url = config.get_main_option("sqlalchemy.url")
    dialect_name = (url or "").split(":", 1)[0].split("+", 1)[0]
    context.configure(url=url, literal_binds=True, **_configure_options(dialect_name))
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    dialect_name = connection.dialect.name
    context.configure(connection=connection, **_configure_options(dialect_name))
    with sqlite_foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()
        if dialect_name == "sqlite":
            check_sqlite_foreign_keys(connection)


def run_migrations_online() -> None:
    given: Connection | None = config.attributes.get("connection")
    if given is not None:
        _run_on(given)
        return
    engine = create_sync_engine(get_settings(), config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
