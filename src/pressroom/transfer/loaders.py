"""Write one batch of records of one type: resolve natural keys per batch, insert in one go.

Every check that the database would otherwise fail on (an unknown author, a taken e-mail,
a self-follow) is made here first, so a bad line is reported by number and never reaches
the database. Rows whose natural key already exists are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from pressroom.articles import counters, recounting
from pressroom.articles.counters import Release
from pressroom.db.dialects import insert_once
from pressroom.kit.slugs import RESERVED as RESERVED_SLUGS
from pressroom.kit.slugs import slugify
from pressroom.kit.words import count_words
from pressroom.models import Article, Comment, Tag, User, article_tags, favorites, follows
from pressroom.transfer.format import (
    UNUSABLE_PASSWORD,
    ArticleRecord,
    CommentRecord,
    FavoriteRecord,
    FollowRecord,
    TagRecord,
    UserRecord,
)
from pressroom.transfer.report import ImportReport

# Names and slugs remembered between batches; past this the map starts over, so memory
# stays flat however many users or articles a file holds.
DIRECTORY_CAPACITY = 100_000


class _KeyMap:
    """Natural key -> id for one table, looked up per batch with one ``IN`` query."""

    def __init__(
        self, session: Session, key: InstrumentedAttribute[str], ident: InstrumentedAttribute[int]
    ) -> None:
        self._session, self._key, self._ident = session, key, ident
        self._known: dict[str, int] = {}

    def ids(self, names: Iterable[str]) -> dict[str, int]:
        """The ids of those ``names`` that exist; unknown names are left out."""
        wanted = set(names)
        if len(self._known) + len(wanted) > DIRECTORY_CAPACITY:
            self._known.clear()
        missing = [name for name in wanted if name not in self._known]
        if missing:
            found = self._session.execute(
                select(self._key, self._ident).where(self._key.in_(missing))
            ).all()
            self._known.update((name, ident) for name, ident in found)
        return {name: self._known[name] for name in wanted if name in self._known}


@dataclass
class Loader:
    """Everything a batch needs: the session, the key maps, the report, the import's clock."""

    session: Session
    report: ImportReport
    now: datetime

    def __post_init__(self) -> None:
        self.dialect = self.session.get_bind().dialect.name
        self.users = _KeyMap(self.session, User.username, User.id)
        self.tags = _KeyMap(self.session, Tag.name, Tag.id)
        self.articles = _KeyMap(self.session, Article.slug, Article.id)

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """One batched INSERT; a row that appeared meanwhile under the same key is left alone."""
        if rows:
            self.session.execute(insert_once(table, self.dialect), rows)

    def ensure_tags(self, names: Iterable[str]) -> tuple[dict[str, int], list[str]]:
        """Ids of the named tags, creating the missing ones; also which ones were created."""
        wanted = list(dict.fromkeys(names))
        known = self.tags.ids(wanted)
        # In order of first appearance: ids then follow the file, and so does a later export.
        created = [name for name in wanted if name not in known]
        if created:
            self.insert(_table(Tag), [{"name": name} for name in created])
            known = self.tags.ids(wanted)
        return known, created

    # --- one method per record type ---------------------------------------------------------

    def users_batch(self, batch: Sequence[tuple[int, UserRecord]]) -> None:
        names = [record.username for _, record in batch]
        emails = [record.email for _, record in batch]
        taken = set(self.users.ids(names))
        email_owner = dict(
            self.session.execute(
                select(User.email, User.username).where(User.email.in_(emails))
            ).all()
        )
        rows = []
        for line, record in batch:
            if record.username in taken:
                self.report.unchanged("user")
                continue
            owner = email_owner.get(record.email)
            if owner is not None:
                reason = f"user: e-mail {record.email!r} already belongs to user {owner!r}"
                self.report.bad(line, reason, "user")
                continue
            taken.add(record.username)
            email_owner[record.email] = record.username
            created_at = record.createdAt or self.now
            rows.append(
                {
                    "username": record.username,
                    "email": record.email,
                    "password_hash": record.passwordHash or UNUSABLE_PASSWORD,
                    "token_generation": record.tokenGeneration,
                    "bio": record.bio,
                    "image": record.image,
                    "created_at": created_at,
                    "updated_at": record.updatedAt or created_at,
                }
            )
        self.insert(_table(User), rows)
        self.report.inserted("user", len(rows))

    def tags_batch(self, batch: Sequence[tuple[int, TagRecord]]) -> None:
        _, created_list = self.ensure_tags(record.name for _, record in batch)
        created = set(created_list)
        for _, record in batch:
            if record.name in created:
                created.discard(record.name)
                self.report.inserted("tag")
            else:
                self.report.unchanged("tag")

    def articles_batch(self, batch: Sequence[tuple[int, ArticleRecord]]) -> None:
        authors = self.users.ids(record.author for _, record in batch)
        # Without a slug, the plain slug of the title: a re-import finds the same article.
        slugs = [record.slug or slugify(record.title) for _, record in batch]
        taken = set(self.session.scalars(select(Article.slug).where(Article.slug.in_(slugs))))
        rows, tag_lists = [], {}
        times: dict[str, datetime | None] = {}
        for (line, record), slug in zip(batch, slugs, strict=True):
            author_id = authors.get(record.author)
            if author_id is None:
                self.report.bad(line, f"article: unknown author {record.author!r}", "article")
                continue
            if slug in RESERVED_SLUGS:  # only a title's slug can be: a given one was checked
                self.report.bad(
                    line, f"article: the title's slug {slug!r} is reserved; give a slug", "article"
                )
                continue
            if slug in taken:
                self.report.unchanged("article")
                continue
            taken.add(slug)
            created_at = record.createdAt or self.now
            times[slug] = self.now if record.publishes_now else record.publishedAt
            rows.append(
                {
                    "slug": slug,
                    "title": record.title,
                    "description": record.description,
                    "body": record.body,
                    "word_count": count_words(record.body),
                    "author_id": author_id,
                    "published_at": times[slug],
                    "created_at": created_at,
                    "updated_at": record.updatedAt or created_at,
                    "version": 1,
                }
            )
            if record.tagList:
                tag_lists[slug] = record.tagList
        self.insert(_table(Article), rows)
        self.report.inserted("article", len(rows))
        tags_of = self._tag_ids(tag_lists) if tag_lists else {}
        # The counters first, then the links that point at the tags: the order every
        # writer locks them in (``pressroom.articles.counters``).
        counters.count_inserted(
            self.session, (Release.of(at, tags_of.get(slug, ())) for slug, at in times.items())
        )
        if tags_of:
            self._link_tags(tags_of, times)

    def _tag_ids(self, tag_lists: dict[str, list[str]]) -> dict[str, list[int]]:
        """The tag ids of each new article, by slug; the tags it names first are created."""
        tag_ids, created = self.ensure_tags(name for names in tag_lists.values() for name in names)
        self.report.inserted("tag", len(created))  # named by an article, not by a tag record
        return {slug: [tag_ids[name] for name in names] for slug, names in tag_lists.items()}

    def _link_tags(
        self, tags_of: dict[str, list[int]], published_at: dict[str, datetime | None]
    ) -> None:
        article_ids = self.articles.ids(tags_of)
        links = [
            {"article_id": article_ids[slug], "tag_id": tag_id, "published_at": published_at[slug]}
            for slug, ids in tags_of.items()
            for tag_id in ids
        ]
        self.insert(article_tags, links)

    def comments_batch(self, batch: Sequence[tuple[int, CommentRecord]]) -> None:
        articles = self.articles.ids(record.article for _, record in batch)
        authors = self.users.ids(record.author for _, record in batch)
        # A comment is known by (article, author, createdAt): there is no other natural key.
        found = self.session.execute(
            select(Comment.article_id, Comment.author_id, Comment.created_at).where(
                Comment.article_id.in_(set(articles.values())),
                Comment.created_at.in_({record.createdAt for _, record in batch}),
            )
        )
        existing = {
            (article_id, author_id, created_at) for article_id, author_id, created_at in found
        }
        rows = []
        for line, record in batch:
            article_id, author_id = articles.get(record.article), authors.get(record.author)
            if article_id is None:
                self.report.bad(line, f"comment: unknown article {record.article!r}", "comment")
                continue
            if author_id is None:
                self.report.bad(line, f"comment: unknown author {record.author!r}", "comment")
                continue
            key = (article_id, author_id, record.createdAt)
            if key in existing:
                self.report.unchanged("comment")
                continue
            existing.add(key)
            rows.append(
                {
                    "article_id": article_id,
                    "author_id": author_id,
                    "body": record.body,
                    "created_at": record.createdAt,
                    "updated_at": record.updatedAt or record.createdAt,
                }
            )
        if rows:
            # No unique key to conflict on: the check above is what keeps re-imports idempotent.
            self.session.execute(insert(_table(Comment)), rows)
        self.report.inserted("comment", len(rows))

    def follows_batch(self, batch: Sequence[tuple[int, FollowRecord]]) -> None:
        users = self.users.ids(
            name for _, record in batch for name in (record.follower, record.followee)
        )
        existing = self._existing_pairs(follows, users.values(), users.values())
        rows = []
        for line, record in batch:
            follower, followee = users.get(record.follower), users.get(record.followee)
            if follower is None or followee is None:
                unknown = record.follower if follower is None else record.followee
                self.report.bad(line, f"follow: unknown user {unknown!r}", "follow")
            elif follower == followee:
                self.report.bad(line, "follow: a user cannot follow themselves", "follow")
            elif (follower, followee) in existing:
                self.report.unchanged("follow")
            else:
                existing.add((follower, followee))
                rows.append(
                    {
                        "follower_id": follower,
                        "followee_id": followee,
                        "created_at": record.createdAt or self.now,
                    }
                )
        self.insert(follows, rows)
        self.report.inserted("follow", len(rows))

    def favorites_batch(self, batch: Sequence[tuple[int, FavoriteRecord]]) -> None:
        users = self.users.ids(record.user for _, record in batch)
        articles = self.articles.ids(record.article for _, record in batch)
        existing = self._existing_pairs(favorites, users.values(), articles.values())
        rows, favorited = [], set()
        for line, record in batch:
            user_id, article_id = users.get(record.user), articles.get(record.article)
            if user_id is None:
                self.report.bad(line, f"favorite: unknown user {record.user!r}", "favorite")
            elif article_id is None:
                reason = f"favorite: unknown article {record.article!r}"
                self.report.bad(line, reason, "favorite")
            elif (user_id, article_id) in existing:
                self.report.unchanged("favorite")
            else:
                existing.add((user_id, article_id))
                favorited.add(article_id)
                rows.append(
                    {
                        "user_id": user_id,
                        "article_id": article_id,
                        "created_at": record.createdAt or self.now,
                    }
                )
        self.insert(favorites, rows)
        self.report.inserted("favorite", len(rows))
        recounting.recount_favorites(self.session, favorited)

    def _existing_pairs(
        self, table: Table, firsts: Iterable[int], seconds: Iterable[int]
    ) -> set[tuple[int, int]]:
        """Which (first, second) primary keys of a link table exist among these ids."""
        first, second = table.primary_key.columns
        rows = self.session.execute(
            select(first, second).where(first.in_(set(firsts)), second.in_(set(seconds)))
        ).all()
        return set(rows)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table
