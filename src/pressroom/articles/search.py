"""Full-text search: one question, asked in each database's own full-text dialect.

:func:`matches` answers with the same shape everywhere, ``(article_id, rank)`` for every
article the query matches, higher ranks first, so the listing joins it like any table and
keeps its filters, counts and cursors. The indexes it reads are built and kept in step by
migration 0002 (see :mod:`pressroom.models.search`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    Integer,
    Subquery,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    type_coerce,
)

from pressroom.db.dialects import MYSQL_NAMES, fulltext_match
from pressroom.kit.search_syntax import SearchQuery, parse, to_fts5, to_innodb_boolean
from pressroom.models import Article
from pressroom.models.search import FTS5_TABLE, TEXT_SEARCH_CONFIG, TSVECTOR_COLUMN

# How much more a hit in the title counts than one in the description, then the body.
_FTS5_WEIGHTS = (10.0, 4.0, 1.0)  # bm25() column weights: title, description, body
_TITLE_BOOST = 2.0  # MariaDB: the title-only relevance is added this many times


def matches(text: str, dialect: str) -> Subquery:
    """``(article_id, rank)`` of the articles matching ``text``, in any state."""
    query = parse(text)
    if query.is_empty:
        return _nothing()
    if dialect == "postgresql":
        return _postgresql(text)
    if dialect == "sqlite":
        return _sqlite(query)
    if dialect in MYSQL_NAMES:
        return _innodb(query)
    raise NotImplementedError(f"no full-text search for {dialect}")


def _nothing() -> Subquery:
    return (
        select(Article.id.label("article_id"), literal(0.0, Float).label("rank"))
        .where(false())
        .subquery("matches")
    )


def _postgresql(text: str) -> Subquery:
    # PostgreSQL reads the web-search syntax itself, stopwords and stemming included.
    vector: ColumnElement[Any] = literal_column(f"{Article.__tablename__}.{TSVECTOR_COLUMN}")
    config: ColumnElement[Any] = literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")
    tsquery = func.websearch_to_tsquery(config, text)
    return (
        select(
            Article.id.label("article_id"), func.ts_rank(vector, tsquery, type_=Float).label("rank")
        )
        .where(vector.op("@@", return_type=Boolean)(tsquery))
        .subquery("matches")
    )


def _sqlite(query: SearchQuery) -> Subquery:
    fts = table(FTS5_TABLE, column("rowid", Integer))
    fts_table: ColumnElement[Any] = literal_column(FTS5_TABLE)
    # bm25() is smaller for better matches: negated, higher ranks come first as elsewhere.
    relevance = -func.bm25(fts_table, *_FTS5_WEIGHTS, type_=Float)
    return (
        select(fts.c.rowid.label("article_id"), relevance.label("rank"))
        .where(fts_table.op("MATCH", return_type=Boolean)(to_fts5(query)))
        .subquery("matches")
    )


def _innodb(query: SearchQuery) -> Subquery:
    boolean_query = to_innodb_boolean(query)
    if not boolean_query:
        return _nothing()
    text = Article.__table__.c
    everywhere = fulltext_match([text.title, text.description, text.body], boolean_query)
    in_title = fulltext_match([text.title], boolean_query)
    relevance = type_coerce(everywhere, Float) + _TITLE_BOOST * type_coerce(in_title, Float)
    return (
        select(Article.id.label("article_id"), relevance.label("rank"))
        .where(type_coerce(everywhere, Boolean))
        .subquery("matches")
    )
