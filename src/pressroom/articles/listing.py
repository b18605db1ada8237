"""Articles as readers see them: pages (the site-wide list and its filters, the feed,
search, an author's own) and single articles, all from the same summary row.

A page is one statement whatever its size: one row per article with everything a list
shows (author, tags, favorites, the viewer's flags as correlated subqueries) and the
list's total. Statements are built once per *shape* of request (which filters, signed in
or not, after a cursor or not) with every value a bound parameter, then reused: building
and hashing a statement costs more than running it on a page of ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute

from pressroom.articles import counters, search
from pressroom.db.dialects import wire_timestamp
from pressroom.db.rows import Reads, dialect_of, read_rows
from pressroom.kit.pagination import Position
from pressroom.models import Article, Tag, User, article_tags, favorites, follows
from pressroom.models.articles import ArticleStatus, published_by_now

# A column of a statement: a mapped attribute or any SQL expression.
ColumnLike = ColumnElement[Any] | InstrumentedAttribute[Any]

# Joins an article's tag names into one column; tag names cannot hold control characters.
TAG_SEPARATOR = "\x1f"
# The separator as SQL text, the same in every dialect. Given as a Python string,
# SQLAlchemy renders it into the statement anew on every execution (a "literal execute"
# parameter): about 2% of a read's CPU.
_TAG_SEPARATOR_SQL = literal_column(f"'{TAG_SEPARATOR}'", String)


@dataclass(frozen=True)
class ArticleFilter:
    tag: str | None = None
    author: str | None = None
    favorited_by: str | None = None
    feed_of: int | None = None  # the user whose followed authors make the feed
    query: str | None = None  # full-text search, most relevant first

    @property
    def ranked(self) -> bool:
        """Sorted by search relevance rather than by time."""
        return self.query is not None

    def parameters(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in (
                ("tag", self.tag),
                ("author", self.author),
                ("favorited_by", self.favorited_by),
                ("feed_of", self.feed_of),
            )
            if value is not None
        }


@dataclass(frozen=True)
class Shape:
    """What decides a list statement's SQL; the values all travel as parameters."""

    criteria: ArticleFilter  # only which fields are set matters: values are blanked
    dialect: str
    signed_in: bool
    after_cursor: bool
    searchable: bool = True  # False: a search with nothing to look for


def _blank(criteria: ArticleFilter) -> ArticleFilter:
    return ArticleFilter(
        **{
            field: None if getattr(criteria, field) is None else ""
            for field in ("tag", "author", "favorited_by", "query")
        },
        feed_of=None if criteria.feed_of is None else 0,
    )


def _conditions(criteria: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.tag is not None:
        conditions.append(
            Article.id.in_(
                select(article_tags.c.article_id)
                .join(Tag, Tag.id == article_tags.c.tag_id)
                .where(Tag.name == bindparam("tag"))
            )
        )
    if criteria.author is not None:
        conditions.append(
            Article.author_id.in_(select(User.id).where(User.username == bindparam("author")))
        )
    if criteria.favorited_by is not None:
        conditions.append(
            Article.id.in_(
                select(favorites.c.article_id)
                .join(User, User.id == favorites.c.user_id)
                .where(User.username == bindparam("favorited_by"))
            )
        )
    if criteria.feed_of is not None:
        conditions.append(
            Article.author_id.in_(
                select(follows.c.followee_id).where(follows.c.follower_id == bindparam("feed_of"))
            )
        )
    return conditions


def _after(key: ColumnLike, ident: ColumnLike = Article.id) -> list[ColumnElement[bool]]:
    """Keyset condition: strictly after the cursor's (key, id) in descending order.

    The redundant ``key <= cursor`` is what lets every planner seek: PostgreSQL cannot
    turn the OR alone into an index range, and MariaDB and SQLite do not use a row-value
    comparison ``(key, id) < (x, y)`` for one.
    """
    at = bindparam("after_key", type_=key.type)
    return [key <= at, or_(key < at, ident < bindparam("after_id", type_=Integer))]


def _summary_columns(signed_in: bool) -> list[ColumnLike]:
    """Exactly what a list shows of each article, as the first ``SUMMARY_WIDTH`` columns of
    one row, in the order ``articles.reads`` unpacks them."""
    tag_names = (
        # Any SQL expression works as the separator; the signature only names str.
        select(func.aggregate_strings(Tag.name, _TAG_SEPARATOR_SQL))  # type: ignore[arg-type]
        .select_from(article_tags)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    favorited: ColumnElement[bool] = false()
    following: ColumnElement[bool] = false()
    if signed_in:
        viewer = bindparam("viewer_id", type_=Integer)
        favorited = exists().where(
            favorites.c.article_id == Article.id, favorites.c.user_id == viewer
        )
        following = exists().where(
            follows.c.follower_id == viewer, follows.c.followee_id == Article.author_id
        )
    return [
        Article.id,
        Article.slug,
        Article.title,
        Article.description,
        Article.word_count,
        # Shown and never compared: as the API's text, without a datetime in between.
        wire_timestamp(Article.created_at).label("created_at"),
        wire_timestamp(Article.updated_at).label("updated_at"),
        Article.published_at,
        Article.version,
        User.username,
        User.bio,
        User.image,
        tag_names.label("tag_names"),
        Article.favorites_count,
        favorited.label("favorited"),
        following.label("following"),
    ]


_SUMMARY_KEYS = [column.key for column in _summary_columns(signed_in=False)]
SUMMARY_WIDTH = len(_SUMMARY_KEYS)
# Where a summary row keeps its publication time, for the checks of who may see it.
PUBLISHED_AT = _SUMMARY_KEYS.index("published_at")
# A single article's row (article_statement) goes on with its body, then its author's id.
BODY, AUTHOR_ID = SUMMARY_WIDTH, SUMMARY_WIDTH + 1


def _ids_page(statement: Select[Any], key: ColumnLike, ident: ColumnLike) -> Subquery:
    """The page's ids (and sort keys) among ``statement``'s rows, by ``key`` then id,
    descending; one row more than asked, to know whether a next page exists."""
    return (
        statement.with_only_columns(
            ident.label("id"), key.label("sort_key"), maintain_column_froms=True
        )
        .order_by(key.desc(), ident.desc())
        .limit(bindparam("rows", type_=Integer))
        .offset(bindparam("skip", type_=Integer))
        .subquery("page")
    )


def _rows_of(page: Subquery, shape: Shape) -> Select[Any]:
    """The summary rows of the page's articles, in the page's order.

    The page's ids are chosen first, in a derived table, and only its rows are then joined
    to their columns and subqueries: otherwise a database evaluates the subqueries of every
    row an OFFSET skips.
    """
    return (
        select(*_summary_columns(shape.signed_in), page.c.sort_key)
        .select_from(page)
        .join(Article, Article.id == page.c.id)
        .join(User, User.id == Article.author_id)
        .order_by(page.c.sort_key.desc(), page.c.id.desc())
    )


def _page_of(
    statement: Select[Any], key: ColumnLike, shape: Shape, ident: ColumnLike = Article.id
) -> Select[Any]:
    """``statement``'s articles as summary rows, sorted by ``key`` then id, descending."""
    return _rows_of(_ids_page(statement, key, ident), shape)


@dataclass(frozen=True)
class _Listing:
    """Which rows a list reads, sorted by ``key`` then ``ident``, newest or best first."""

    statement: Select[Any]
    key: ColumnLike
    ident: ColumnLike


def _published(shape: Shape) -> _Listing:
    """Visible articles matching the shape's filters (after its cursor).

    The cursor's bound comes first: given two upper bounds on one column, SQLite seeks on
    the first it meets, and the other is "published by now".
    """
    if shape.criteria.tag is not None and shape.criteria.query is None:
        return _tagged(shape)
    found = None
    key: ColumnLike = Article.published_at
    if shape.criteria.query is not None:
        found = search.ranking(shape.dialect, searchable=shape.searchable)
        key = found.rank
    statement = select(Article).where(
        *(_after(key) if shape.after_cursor else []),
        Article.is_published,
        *_conditions(shape.criteria),
        *([found.condition] if found is not None and found.condition is not None else []),
    )
    if found is not None and found.join is not None:
        statement = statement.join(found.join, found.join.c.article_id == Article.id)
    return _Listing(statement, key, Article.id)


def _tagged(shape: Shape) -> _Listing:
    """A tag's articles, read from its links: each carries its article's publication time,
    so the page is a range of the (tag, time, article) index however common the tag."""
    key, ident = article_tags.c.published_at, article_tags.c.article_id
    tag_id = select(Tag.id).where(Tag.name == bindparam("tag")).scalar_subquery()
    statement = select(article_tags).where(
        *(_after(key, ident) if shape.after_cursor else []),
        article_tags.c.tag_id == tag_id,
        published_by_now(key),
    )
    others = _conditions(replace(shape.criteria, tag=None))
    if others:
        statement = statement.join(Article, Article.id == ident).where(*others)
    return _Listing(statement, key, ident)


@lru_cache(maxsize=256)
def page_statement(shape: Shape) -> Select[Any]:
    """The page's rows, each carrying the list's total: one round trip for both."""
    if shape.criteria.ranked:
        return _search_page(shape)
    listing = _published(shape)
    page = _page_of(listing.statement, listing.key, shape, listing.ident)
    return _with_total(page, count_statement(shape))


def _search_page(shape: Shape) -> Select[Any]:
    """A page of search results and their total from one pass over the matches.

    Ranking reads every match (a relevance cannot be known from the index alone): the
    matches are gathered once, in a common table expression, and both the page and the
    total are taken from it.
    """
    listing = _published(replace(shape, after_cursor=False))
    matched = listing.statement.with_only_columns(
        Article.id.label("id"), listing.key.label("sort_key"), maintain_column_froms=True
    ).cte("matched")
    after = _after(matched.c.sort_key, matched.c.id) if shape.after_cursor else []
    page = _ids_page(select(matched).where(*after), matched.c.sort_key, matched.c.id)
    total = select(func.count()).select_from(matched).scalar_subquery()
    return _rows_of(page, shape).add_columns(total.label("total"))


def _with_total(page: Select[Any], count: Select[Any]) -> Select[Any]:
    # Uncorrelated, so every database computes it once per statement, not once per row.
    return page.add_columns(count.scalar_subquery().label("total"))


@lru_cache(maxsize=256)
def count_statement(shape: Shape) -> Select[Any]:
    """The list's total. The two lists whose count would grow with the whole site, all
    articles and a tag's, read the maintained counters; every other filter narrows the
    count through an index (an author's articles, a user's favorites, a feed's authors,
    a search's matches)."""
    criteria = shape.criteria
    if criteria == ArticleFilter():
        return counters.visible_articles()
    if criteria == ArticleFilter(tag=""):
        return counters.visible_articles_tagged()
    listing = _published(replace(shape, signed_in=False, after_cursor=False))
    return listing.statement.with_only_columns(func.count(), maintain_column_froms=True)


@dataclass(frozen=True)
class Page:
    rows: Sequence[Row[Any]]  # the columns of _summary_columns, and sort_key
    total: int
    next: Position | None  # where the following page starts, if there is one


def _window(
    limit: int, offset: int, after: Position | None, viewer_id: int | None
) -> dict[str, Any]:
    values: dict[str, Any] = {"rows": limit + 1, "skip": offset}
    if after is not None:
        values |= {"after_key": after.key, "after_id": after.id}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id
    return values


def _read(
    reads: Reads, page: Select[Any], count: Select[Any], values: dict[str, Any], limit: int
) -> Page:
    """One statement; a second only for a page past the end, which has no row to carry the
    total."""
    rows = read_rows(reads, page, values).all()
    total = rows[0].total if rows else (read_rows(reads, count, values).scalar() or 0)
    if len(rows) <= limit:
        return Page(rows, total, None)
    last = rows[limit - 1]
    return Page(rows[:limit], total, Position(last.sort_key, last.id))


def list_page(
    reads: Reads,
    criteria: ArticleFilter,
    *,
    viewer_id: int | None,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Page:
    """A page of published articles and its total, in one statement whatever the page size."""
    dialect = dialect_of(reads)
    values = criteria.parameters() | _window(limit, offset, after, viewer_id)
    wanted = search.search_values(criteria.query, dialect) if criteria.query is not None else None
    if wanted is not None:
        values |= wanted
    shape = Shape(
        _blank(criteria),
        dialect,
        signed_in=viewer_id is not None,
        after_cursor=after is not None,
        searchable=criteria.query is None or wanted is not None,
    )
    return _read(reads, page_statement(shape), count_statement(shape), values, limit)


def _status_condition(status: ArticleStatus) -> ColumnElement[bool]:
    published = Article.published_now()
    if status is ArticleStatus.DRAFT:
        return Article.published_at.is_(None)
    if status is ArticleStatus.SCHEDULED:
        return and_(Article.published_at.is_not(None), not_(published))
    return published


@lru_cache(maxsize=32)
def own_statements(
    status: ArticleStatus | None, after_cursor: bool
) -> tuple[Select[Any], Select[Any]]:
    """An author's own articles in any state, most recently created first; and their count."""
    conditions = [Article.author_id == bindparam("viewer_id", type_=Integer)]
    if status is not None:
        conditions.append(_status_condition(status))
    after = _after(Article.created_at) if after_cursor else []
    statement = select(Article).where(*after, *conditions)
    shape = Shape(ArticleFilter(), "", signed_in=True, after_cursor=after_cursor)
    count = select(func.count()).select_from(Article).where(*conditions)
    return _with_total(_page_of(statement, Article.created_at, shape), count), count


def list_own_page(
    reads: Reads,
    author_id: int,
    status: ArticleStatus | None,
    *,
    limit: int,
    offset: int,
    after: Position | None = None,
) -> Page:
    page, count = own_statements(status, after is not None)
    return _read(reads, page, count, _window(limit, offset, after, author_id), limit)


@lru_cache(maxsize=4)
def article_statement(by_slug: bool, signed_in: bool) -> Select[Any]:
    """One article's summary row, then its body and author id (at ``BODY`` and
    ``AUTHOR_ID``), by slug or by id, in any state."""
    key = Article.slug == bindparam("slug") if by_slug else Article.id == bindparam("id")
    return (
        select(*_summary_columns(signed_in), Article.body, Article.author_id)
        .join(User, User.id == Article.author_id)
        .where(key)
    )


def article_row(
    reads: Reads,
    *,
    slug: str | None = None,
    article_id: int | None = None,
    viewer_id: int | None,
) -> Row[Any] | None:
    """The row :func:`article_statement` reads, in one statement; None if there is none."""
    values: dict[str, Any] = {"slug": slug} if slug is not None else {"id": article_id}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id
    statement = article_statement(slug is not None, viewer_id is not None)
    row: Row[Any] | None = read_rows(reads, statement, values).one_or_none()
    return row
