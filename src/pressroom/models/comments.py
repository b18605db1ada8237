"""Comments on articles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS
from pressroom.db.types import UTCDateTime, same_as_created_at
from pressroom.kit.clock import utc_now

if TYPE_CHECKING:
    from pressroom.models.articles import Article
    from pressroom.models.users import User


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # An article's comments, in order: the only way comments are listed.
        Index("ix_comments_article_id_created_at", "article_id", "created_at"),
        Index("ix_comments_author_id", "author_id"),
        # An id is never given to another comment, on SQLite too (whose default reuses the
        # id of the newest one once deleted): the API names comments by it.
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=same_as_created_at, onupdate=utc_now
    )

    article: Mapped[Article] = relationship(back_populates="comments", lazy="raise")
    author: Mapped[User] = relationship(back_populates="comments", lazy="raise")

    def __repr__(self) -> str:
        return f"Comment(id={self.id!r}, article_id={self.article_id!r})"
