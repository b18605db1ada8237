"""Tags: free-form labels shared by articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS, exact_string
from pressroom.models.links import article_tags

if TYPE_CHECKING:
    from pressroom.models.articles import Article

TAG_MAX = 64


class Tag(Base):
    __tablename__ = "tags"
    # Unlike articles', a tag's id may be given again on SQLite: tags are never deleted,
    # and their ids never leave the database (tags are known by name).
    __table_args__ = (
        # The most used tags are found among the most released (``tags.repository``).
        Index("ix_tags_released_articles_id", "released_articles", "id"),
        MYSQL_TABLE_OPTIONS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(exact_string(TAG_MAX), unique=True)
    # Its articles that are published or scheduled, kept by every write that changes them
    # (see ``articles.counters``); readers subtract the few still scheduled.
    released_articles: Mapped[int] = mapped_column(default=0, server_default="0")

    articles: Mapped[list[Article]] = relationship(
        secondary=article_tags, back_populates="tags", passive_deletes=True, lazy="raise"
    )

    def __repr__(self) -> str:
        return f"Tag(id={self.id!r}, name={self.name!r})"
