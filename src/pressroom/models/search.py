"""The full-text index of articles: schema objects each database keeps outside the ORM.

Every database searches differently, so migration 0002 builds a different object on each:
an FTS5 table kept in step by triggers on SQLite, a generated ``tsvector`` column with a GIN
index on PostgreSQL, FULLTEXT indexes on MariaDB/MySQL. None of them is mapped (the ORM
never reads or writes them), so autogenerate is told to leave them alone.
"""

from __future__ import annotations

# SQLite: an external-content FTS5 table over articles, plus the shadow tables FTS5 makes.
FTS5_TABLE = "articles_search"
# PostgreSQL: a stored generated column and its GIN index.
TSVECTOR_COLUMN = "search_vector"
TSVECTOR_INDEX = "ix_articles_search_vector"
TEXT_SEARCH_CONFIG = "english"
# MariaDB/MySQL: one FULLTEXT index for matching, and one on titles and one on
# descriptions alone, to rank a word found there above one found in the body.
FULLTEXT_INDEX = "ix_articles_fulltext"
TITLE_FULLTEXT_INDEX = "ix_articles_title_fulltext"
DESCRIPTION_FULLTEXT_INDEX = "ix_articles_description_fulltext"


def is_search_object(kind: str, name: str | None) -> bool:
    """Whether a reflected table, column or index belongs to the full-text index."""
    if name is None:
        return False
    if kind == "table":
        return name == FTS5_TABLE or name.startswith(FTS5_TABLE + "_")
    if kind == "column":
        return name == TSVECTOR_COLUMN
    if kind == "index":
        return name in {
            TSVECTOR_INDEX,
            FULLTEXT_INDEX,
            TITLE_FULLTEXT_INDEX,
            DESCRIPTION_FULLTEXT_INDEX,
        }
    return False
