"""Full-text search: one question, asked in each database's own full-text dialect.

:func:`ranking` answers with the same shape everywhere, a match condition and a rank (higher
is better), so the listing applies it like any filter and keeps its other filters, counts
and cursors. The indexes it reads are built and kept in step by
migration 0002 (see :mod:`pressroom.models.search`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    Float,
    Integer,
    String,
    Subquery,
    and_,
    bindparam,
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
from pressroom.kit.search_syntax import parse, to_fts5, to_innodb_boolean, to_tsquery
from pressroom.models import Article
from pressroom.models.search import FTS5_TABLE, TEXT_SEARCH_CONFIG, TSVECTOR_COLUMN

# How much more a hit in the title counts than one in the description, then the body.
_FTS5_WEIGHTS = (10.0, 4.0, 1.0)  # bm25() column weights: title, description, body
# MariaDB: an article's relevance counts this many times more when its title holds the
# words, and when its description does (1 + both when both do).
_TITLE_BOOST = 2.0
_DESCRIPTION_BOOST = 1.0


SEARCH_PARAMETER = "search"
# PostgreSQL ranks by the query without its exclusions (see ``to_tsquery``).
RANK_PARAMETER = "search_ranked"


def search_values(text: str, dialect: str) -> dict[str, str] | None:
    """The bound values that ask ``dialect`` to match (and rank) ``text``, in its own
    syntax; None when the text has nothing searchable (punctuation, exclusions alone,
    stopwords alone)."""
    query = parse(text)
    if query.is_empty:
        return None
    if dialect == "postgresql":
        ranked = to_tsquery(query, exclusions=False)
        return {SEARCH_PARAMETER: to_tsquery(query), RANK_PARAMETER: ranked}
    if dialect == "sqlite":
        wanted = to_fts5(query)
    elif dialect in MYSQL_NAMES:
        wanted = to_innodb_boolean(query)
    else:
        raise NotImplementedError(f"no full-text search for {dialect}")
    return {SEARCH_PARAMETER: wanted} if wanted else None


@dataclass(frozen=True)
class Ranking:
    """How a statement over ``articles`` finds the matches and ranks them.

    PostgreSQL and MariaDB index the articles table itself: a condition and a rank
    expression on its columns, with no join. SQLite's FTS5 index is a table of its own,
    joined by rowid.
    """

    rank: ColumnElement[float]
    condition: ColumnElement[bool] | None = None
    join: Subquery | None = None  # (article_id, rank), to join on articles.id


def ranking(dialect: str, *, searchable: bool = True) -> Ranking:
    """The articles, in any state, matching the ``search`` parameter (see
    :func:`search_values`), best first; none at all when nothing is ``searchable``."""
    if not searchable:
        return Ranking(literal(0.0, Float), condition=false())
    wanted = bindparam(SEARCH_PARAMETER, type_=String)
    if dialect == "postgresql":
        return _postgresql(wanted)
    if dialect == "sqlite":
        return _sqlite(wanted)
    if dialect in MYSQL_NAMES:
        return _innodb(wanted)
    raise NotImplementedError(f"no full-text search for {dialect}")


def _postgresql(wanted: BindParameter[str]) -> Ranking:
    # to_tsquery stems the words and drops its stopwords, as the vector was built.
    vector: ColumnElement[Any] = literal_column(f"{Article.__tablename__}.{TSVECTOR_COLUMN}")
    config: ColumnElement[Any] = literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")
    tsquery = func.to_tsquery(config, wanted)
    ranked = func.to_tsquery(config, bindparam(RANK_PARAMETER, type_=String))
    # When every word it requires is a stopword, only exclusions are left ('T' is all
    # querytree() keeps of them): like a query of exclusions alone, it finds nothing,
    # rather than every article (read one by one) that lacks them.
    something_required = func.querytree(tsquery, type_=String) != literal_column("'T'")
    return Ranking(
        rank=func.ts_rank(vector, ranked, type_=Float),
        condition=and_(vector.op("@@", return_type=Boolean)(tsquery), something_required),
    )


def _sqlite(wanted: BindParameter[str]) -> Ranking:
    fts = table(FTS5_TABLE, column("rowid", Integer))
    fts_table: ColumnElement[Any] = literal_column(FTS5_TABLE)
    # bm25() is smaller for better matches: negated, higher ranks come first as elsewhere.
    relevance = -func.bm25(fts_table, *_FTS5_WEIGHTS, type_=Float)
    found = (
        select(fts.c.rowid.label("article_id"), relevance.label("rank"))
        .where(fts_table.op("MATCH", return_type=Boolean)(wanted))
        .subquery("matches")
    )
    return Ranking(rank=found.c.rank, join=found)


def _innodb(wanted: BindParameter[str]) -> Ranking:
    text = Article.__table__.c
    everywhere = fulltext_match([text.title, text.description, text.body], wanted)
    # Whether the title or the description holds the words, not how relevant each index
    # finds them: every FULLTEXT index weighs a word by how rare it is among its own
    # columns, so a word in a few descriptions would outweigh the same word in a few
    # more titles.
    in_title = type_coerce(fulltext_match([text.title], wanted) > 0, Float)
    in_description = type_coerce(fulltext_match([text.description], wanted) > 0, Float)
    boost = 1.0 + _TITLE_BOOST * in_title + _DESCRIPTION_BOOST * in_description
    relevance = type_coerce(everywhere, Float) * boost
    return Ranking(rank=relevance, condition=type_coerce(everywhere, Boolean))
