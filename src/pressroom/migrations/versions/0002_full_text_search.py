"""full-text search over article titles, descriptions and bodies

Each database gets its own native index, kept in step with ``articles`` by the database
itself, so no code path can forget to update it:

- SQLite: an external-content FTS5 table (Porter stemming) and three triggers.
- PostgreSQL: a stored generated ``tsvector`` column (title weighted A, description B,
  body C) with a GIN index.
- MariaDB/MySQL: a FULLTEXT index on the three columns and one on the title alone.

On SQLite, a later migration that rebuilds ``articles`` in batch mode drops the triggers
with the table: such a migration must run ``_sqlite_upgrade`` again afterwards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 20:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The names pressroom.models.search knows them by, copied so this revision never changes.
FTS5_TABLE = "articles_search"
TSVECTOR_COLUMN = "search_vector"
TSVECTOR_INDEX = "ix_articles_search_vector"
FULLTEXT_INDEX = "ix_articles_fulltext"
TITLE_FULLTEXT_INDEX = "ix_articles_title_fulltext"

_FTS_COLUMNS = "title, description, body"
_NEW_ROW = "new.id, new.title, new.description, new.body"
_OLD_ROW = "old.id, old.title, old.description, old.body"


def _sqlite_upgrade() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS5_TABLE} USING fts5({_FTS_COLUMNS}, content='articles', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    # An external-content table stores no text of its own: the triggers feed it, and a
    # deletion must hand back the old values so FTS5 can find the terms to remove.
    op.execute(
        f"CREATE TRIGGER {FTS5_TABLE}_after_insert AFTER INSERT ON articles BEGIN "
        f"INSERT INTO {FTS5_TABLE}(rowid, {_FTS_COLUMNS}) VALUES ({_NEW_ROW}); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS5_TABLE}_after_delete AFTER DELETE ON articles BEGIN "
        f"INSERT INTO {FTS5_TABLE}({FTS5_TABLE}, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', {_OLD_ROW}); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS5_TABLE}_after_update AFTER UPDATE OF {_FTS_COLUMNS} ON articles "
        f"BEGIN INSERT INTO {FTS5_TABLE}({FTS5_TABLE}, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', {_OLD_ROW}); "
        f"INSERT INTO {FTS5_TABLE}(rowid, {_FTS_COLUMNS}) VALUES ({_NEW_ROW}); END"
    )
    op.execute(f"INSERT INTO {FTS5_TABLE}({FTS5_TABLE}) VALUES ('rebuild')")


def _postgresql_upgrade() -> None:
    op.execute(
        f"ALTER TABLE articles ADD COLUMN {TSVECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english'::regconfig, title), 'A') || "
        "setweight(to_tsvector('english'::regconfig, description), 'B') || "
        "setweight(to_tsvector('english'::regconfig, body), 'C')) STORED"
    )
    op.execute(f"CREATE INDEX {TSVECTOR_INDEX} ON articles USING gin ({TSVECTOR_COLUMN})")


def _mysql_upgrade() -> None:
    op.execute(f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} ON articles ({_FTS_COLUMNS})")
    op.execute(f"CREATE FULLTEXT INDEX {TITLE_FULLTEXT_INDEX} ON articles (title)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()
    elif dialect in ("mysql", "mariadb"):
        _mysql_upgrade()
    else:
        raise NotImplementedError(f"no full-text search for {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS5_TABLE}_after_{event}")
        op.execute(f"DROP TABLE IF EXISTS {FTS5_TABLE}")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TSVECTOR_INDEX}")
        op.execute(f"ALTER TABLE articles DROP COLUMN IF EXISTS {TSVECTOR_COLUMN}")
    elif dialect in ("mysql", "mariadb"):
        op.execute(f"DROP INDEX {TITLE_FULLTEXT_INDEX} ON articles")
        op.execute(f"DROP INDEX {FULLTEXT_INDEX} ON articles")
