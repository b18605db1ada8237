"""Write a whole publication as JSON Lines, in keyset-paged batches: constant memory at any size.

Records come in primary-key order within each type, with keys in a fixed order and
timestamps in one format, so the same data always gives the same bytes. An import into an
empty database assigns ids in file order, which is why a second export matches the first.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from sqlalchemy import ColumnElement, Row, Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from pressroom.models import Article, Comment, Tag, User, article_tags, favorites, follows
from pressroom.transfer.format import FORMAT_NAME, FORMAT_VERSION, iso_utc

BATCH_SIZE = 5000

Advance = Callable[[int], None]
Record = dict[str, Any]


def export_publication(
    session: Session,
    out: IO[bytes],
    *,
    include_secrets: bool = False,
    advance: Advance = lambda rows: None,
    batch_size: int | None = None,
) -> Counter[str]:
    """Write the header and every record to ``out``; return how many of each type."""
    size = batch_size or BATCH_SIZE
    _consistent_snapshot(session)
    counts: Counter[str] = Counter()
    _write(out, [{"type": FORMAT_NAME, "version": FORMAT_VERSION, "secrets": include_secrets}])
    sections: list[tuple[str, Iterator[list[Record]]]] = [
        ("user", _users(session, size, include_secrets)),
        ("tag", _tags(session, size)),
        ("article", _articles(session, size)),
        ("comment", _comments(session, size)),
        ("follow", _follows(session, size)),
        ("favorite", _favorites(session, size)),
    ]
    for kind, pages in sections:
        for records in pages:
            _write(out, records)
            counts[kind] += len(records)
            advance(len(records))
    return counts


def _consistent_snapshot(session: Session) -> None:
    """Every page from the same moment, even while the site keeps writing."""
    # SQLite's transaction is a snapshot from its first read already (WAL).
    if session.get_bind().dialect.name != "sqlite":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _write(out: IO[bytes], records: list[Record]) -> None:
    lines = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) for record in records)
    out.write(("\n".join(lines) + "\n").encode())


def _pages(
    session: Session,
    query: Select[*tuple[Any, ...]],
    after: Callable[[Row[Any]], ColumnElement[bool]],
    size: int,
) -> Iterator[Sequence[Row[Any]]]:
    """Keyset pages of ``query`` (already ordered by its key): each seeks past the last row."""
    last: Row[Any] | None = None
    while True:
        page = query if last is None else query.where(after(last))
        rows = session.execute(page.limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1]


def _stamp(moment: Any) -> str | None:
    return None if moment is None else iso_utc(moment)


def _users(session: Session, size: int, include_secrets: bool) -> Iterator[list[Record]]:
    query = select(
        User.id,
        User.username,
        User.email,
        User.bio,
        User.image,
        User.created_at,
        User.updated_at,
        User.password_hash,
        User.token_generation,
    ).order_by(User.id)
    for rows in _pages(session, query, lambda last: User.id > last.id, size):
        records = []
        for row in rows:
            record: Record = {
                "type": "user",
                "username": row.username,
                "email": row.email,
                "bio": row.bio,
                "image": row.image,
                "createdAt": iso_utc(row.created_at),
                "updatedAt": iso_utc(row.updated_at),
            }
            if include_secrets:
                record["passwordHash"] = row.password_hash
                if row.token_generation:
                    record["tokenGeneration"] = row.token_generation
            records.append(record)
        yield records


def _tags(session: Session, size: int) -> Iterator[list[Record]]:
    query = select(Tag.id, Tag.name).order_by(Tag.id)
    for rows in _pages(session, query, lambda last: Tag.id > last.id, size):
        yield [{"type": "tag", "name": row.name} for row in rows]


def _articles(session: Session, size: int) -> Iterator[list[Record]]:
    # No version: it counts edits in one database and means nothing in another.
    query = (
        select(
            Article.id,
            Article.slug,
            Article.title,
            Article.description,
            Article.body,
            User.username,
            Article.published_at,
            Article.created_at,
            Article.updated_at,
        )
        .join(User, User.id == Article.author_id)
        .order_by(Article.id)
    )
    for rows in _pages(session, query, lambda last: Article.id > last.id, size):
        tags = _tag_names(session, rows[0].id, rows[-1].id)
        yield [
            {
                "type": "article",
                "slug": row.slug,
                "title": row.title,
                "description": row.description,
                "body": row.body,
                "author": row.username,
                "tagList": tags.get(row.id, []),
                "publishedAt": _stamp(row.published_at),
                "createdAt": iso_utc(row.created_at),
                "updatedAt": iso_utc(row.updated_at),
            }
            for row in rows
        ]


def _tag_names(session: Session, first_id: int, last_id: int) -> dict[int, list[str]]:
    """Tag names of a page of articles, sorted in Python so every database agrees."""
    rows = session.execute(
        select(article_tags.c.article_id, Tag.name)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id.between(first_id, last_id))
    )
    names: defaultdict[int, list[str]] = defaultdict(list)
    for article_id, name in rows:
        names[article_id].append(name)
    return {article_id: sorted(tag_list) for article_id, tag_list in names.items()}


def _comments(session: Session, size: int) -> Iterator[list[Record]]:
    query = (
        select(
            Comment.id,
            Article.slug,
            User.username,
            Comment.body,
            Comment.created_at,
            Comment.updated_at,
        )
        .join(Article, Article.id == Comment.article_id)
        .join(User, User.id == Comment.author_id)
        .order_by(Comment.id)
    )
    for rows in _pages(session, query, lambda last: Comment.id > last.id, size):
        yield [
            {
                "type": "comment",
                "article": row.slug,
                "author": row.username,
                "body": row.body,
                "createdAt": iso_utc(row.created_at),
                "updatedAt": iso_utc(row.updated_at),
            }
            for row in rows
        ]


def _follows(session: Session, size: int) -> Iterator[list[Record]]:
    follower, followee = aliased(User), aliased(User)
    key = (follows.c.follower_id, follows.c.followee_id)
    query = (
        select(*key, follower.username.label("follower"), followee.username.label("followee"))
        .add_columns(follows.c.created_at)
        .join(follower, follower.id == follows.c.follower_id)
        .join(followee, followee.id == follows.c.followee_id)
        .order_by(*key)
    )
    after = _after_pair(*key, "follower_id", "followee_id")
    for rows in _pages(session, query, after, size):
        yield [
            {
                "type": "follow",
                "follower": row.follower,
                "followee": row.followee,
                "createdAt": iso_utc(row.created_at),
            }
            for row in rows
        ]


def _favorites(session: Session, size: int) -> Iterator[list[Record]]:
    key = (favorites.c.user_id, favorites.c.article_id)
    query = (
        select(*key, User.username, Article.slug, favorites.c.created_at)
        .join(User, User.id == favorites.c.user_id)
        .join(Article, Article.id == favorites.c.article_id)
        .order_by(*key)
    )
    after = _after_pair(*key, "user_id", "article_id")
    for rows in _pages(session, query, after, size):
        yield [
            {
                "type": "favorite",
                "user": row.username,
                "article": row.slug,
                "createdAt": iso_utc(row.created_at),
            }
            for row in rows
        ]


def _after_pair(
    first: Any, second: Any, first_name: str, second_name: str
) -> Callable[[Row[Any]], ColumnElement[bool]]:
    """Past the last (first, second) key, spelled out so every database uses the index."""

    def after(last: Row[Any]) -> ColumnElement[bool]:
        a, b = getattr(last, first_name), getattr(last, second_name)
        return or_(first > a, and_(first == a, second > b))

    return after
