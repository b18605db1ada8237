"""Link tables: plain rows with no behaviour, used as ``secondary``, written in bulk with Core."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Table

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS
from pressroom.db.types import UTCDateTime
from pressroom.kit.clock import utc_now

article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # A copy of the article's publication time, written with it (see ``tags.repository``):
    # a tag's page is then one range of the index below, newest first, however common the
    # tag, instead of every article with the tag sorted for the ten newest.
    Column("published_at", UTCDateTime()),
    Index("ix_article_tags_tag_id_published_at", "tag_id", "published_at", "article_id"),
    **MYSQL_TABLE_OPTIONS,
)

favorites = Table(
    "favorites",
    Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False, default=utc_now),
    # favoritesCount and "who favorited" look up by article.
    Index("ix_favorites_article_id", "article_id"),
    **MYSQL_TABLE_OPTIONS,
)

follows = Table(
    "follows",
    Base.metadata,
    Column("follower_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("followee_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False, default=utc_now),
    CheckConstraint("follower_id <> followee_id", name="no_self_follow"),
    # Follower counts and "who follows me" look up by followee.
    Index("ix_follows_followee_id", "followee_id"),
    **MYSQL_TABLE_OPTIONS,
)
