"""Users: the people who write, follow and favorite."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS, exact_string
from pressroom.db.types import UTCDateTime, same_as_created_at
from pressroom.kit.clock import utc_now
from pressroom.models.links import favorites, follows

if TYPE_CHECKING:
    from pressroom.models.articles import Article
    from pressroom.models.comments import Comment

USERNAME_MAX = 64
EMAIL_MAX = 254
IMAGE_MAX = 2048


def normalize_email(email: str) -> str:
    """E-mail addresses are compared and stored trimmed and lower-case."""
    return email.strip().lower()


class User(Base):
    __tablename__ = "users"
    # An id is never given to another user, on SQLite too (whose default reuses the id of
    # the newest one once deleted): a login token names its user by it.
    __table_args__ = {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(exact_string(USERNAME_MAX), unique=True)
    email: Mapped[str] = mapped_column(exact_string(EMAIL_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Raised by "sign out everywhere": a token carries the generation it was issued in, and
    # one from an earlier generation signs nobody in.
    token_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    bio: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(IMAGE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=same_as_created_at, onupdate=utc_now
    )

    # The database deletes a user's rows (ON DELETE CASCADE); passive_deletes lets it.
    articles: Mapped[list[Article]] = relationship(
        back_populates="author", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="author", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    favorites: Mapped[list[Article]] = relationship(
        secondary=favorites, back_populates="favorited_by", passive_deletes=True, lazy="raise"
    )
    following: Mapped[list[User]] = relationship(
        secondary=follows,
        primaryjoin=lambda: User.id == follows.c.follower_id,
        secondaryjoin=lambda: User.id == follows.c.followee_id,
        back_populates="followers",
        passive_deletes=True,
        lazy="raise",
    )
    followers: Mapped[list[User]] = relationship(
        secondary=follows,
        primaryjoin=lambda: User.id == follows.c.followee_id,
        secondaryjoin=lambda: User.id == follows.c.follower_id,
        back_populates="following",
        passive_deletes=True,
        lazy="raise",
    )

    @validates("email")
    def _normalize_email(self, key: str, value: str) -> str:
        return normalize_email(value)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r})"
