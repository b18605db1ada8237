"""Articles: Markdown writing, a draft until published, scheduled when published in the future."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    ForeignKey,
    Index,
    String,
    and_,
    bindparam,
    event,
    exists,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship, validates

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS, exact_string, long_text
from pressroom.db.types import UTCDateTime, same_as_created_at
from pressroom.kit.clock import utc_now
from pressroom.kit.slugs import RESERVED, slugify, with_suffix
from pressroom.kit.words import count_words
from pressroom.models.links import article_tags, favorites

if TYPE_CHECKING:
    from pressroom.models.comments import Comment
    from pressroom.models.tags import Tag
    from pressroom.models.users import User

TITLE_MAX = 255
SLUG_MAX = 255
DESCRIPTION_MAX = 1000


PublicationTime = Mapped[datetime | None] | ColumnElement[datetime | None]


def now_parameter() -> BindParameter[datetime]:
    """The time as a statement's parameter, read when the statement executes, so a cached
    statement never goes stale."""
    return bindparam("now", callable_=utc_now, type_=UTCDateTime(), unique=True)


def published_by_now(published_at: PublicationTime) -> ColumnElement[bool]:
    """Given a publication time that has come: visible to readers."""
    return and_(published_at.is_not(None), published_at <= now_parameter())


def scheduled_after_now(published_at: PublicationTime) -> ColumnElement[bool]:
    """Given a publication time that has not come yet (NULLs, the drafts, never match)."""
    return published_at > now_parameter()


class ArticleStatus(StrEnum):
    """Where an article stands; derived from ``published_at``, never stored."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        # An author's own pages and dashboards: their articles by publication time.
        Index("ix_articles_author_id_published_at", "author_id", "published_at"),
        # The site-wide listing, newest first, with the id as a tie-breaker.
        Index("ix_articles_published_at_id", "published_at", "id"),
        # An id is never given to another article, on SQLite too (whose default reuses the
        # id of the newest one once deleted): feed entries are named by it.
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(exact_string(SLUG_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    body: Mapped[str] = mapped_column(long_text())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # NULL: a draft. In the future: scheduled. In the past: published.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=same_as_created_at, onupdate=utc_now
    )
    # Optimistic locking: an UPDATE that finds another version changes nothing and fails.
    version: Mapped[int] = mapped_column(default=1)
    # How many users favorite it, kept by every (un)favorite in the same transaction
    # (see ``articles.counters``) so that no read counts the favorites table.
    favorites_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The body's words, set with the body (see ``_count_words``), so that lists show the
    # reading time without reading the bodies.
    word_count: Mapped[int] = mapped_column(default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version}

    author: Mapped[User] = relationship(back_populates="articles", lazy="raise")
    comments: Mapped[list[Comment]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=article_tags, back_populates="articles", passive_deletes=True, lazy="raise"
    )
    favorited_by: Mapped[list[User]] = relationship(
        secondary=favorites, back_populates="favorites", passive_deletes=True, lazy="raise"
    )

    @hybrid_property
    def is_published(self) -> bool:
        """Visible to readers: published at a time that has come."""
        return self.published_at is not None and self.published_at <= utc_now()

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls) -> ColumnElement[bool]:
        return published_by_now(cls.published_at)

    @classmethod
    def published_now(cls) -> ColumnElement[bool]:
        """The SQL side of ``is_published``, typed for statement builders."""
        return published_by_now(cls.published_at)

    @classmethod
    def scheduled_now(cls) -> ColumnElement[bool]:
        """Scheduled: given a publication time that has not come yet."""
        return scheduled_after_now(cls.published_at)

    @validates("body")
    def _count_words(self, key: str, body: str) -> str:
        self.word_count = count_words(body)
        return body

    def __repr__(self) -> str:
        return f"Article(id={self.id!r}, slug={self.slug!r})"


def unique_slug(connection: Connection, title: str) -> str:
    """A slug for ``title`` that no article has yet: the plain form, else a suffixed one."""
    candidate = slugify(title)
    for _ in range(8):
        taken = candidate in RESERVED or connection.scalar(_SLUG_TAKEN, {"slug": candidate})
        if not taken:
            return candidate
        candidate = with_suffix(slugify(title))
    raise RuntimeError(f"could not find a free slug for {title!r}")


# Built once, not for every article written.
_SLUG_TAKEN = select(exists().where(Article.slug == bindparam("slug", type_=Article.slug.type)))


@event.listens_for(Article, "before_insert")
def _generate_slug(mapper: Mapper[Any], connection: Connection, target: Article) -> None:
    if not target.slug:
        target.slug = unique_slug(connection, target.title)
