"""maintained counters and the tag timeline

Lists show ``articlesCount`` and ``favoritesCount`` on every request; counting rows for
them is a scan that grows with the site. These columns hold the counts instead, written
in the same transaction as the rows they count: favorites per article, and released
(published or scheduled) articles per tag and site-wide. Existing rows are counted here.

A tag's page had to gather every article with the tag to sort out the newest ten. Each
tag link now carries its article's publication time, indexed by (tag, time, article), so
the page is one index range.

Columns are added with plain ``ALTER TABLE ... ADD COLUMN``, never a batch rebuild, so the
SQLite full-text triggers of 0002 stay in place.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pressroom.db.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables as this revision knows them, for the counting statements below.
_articles = sa.table("articles", sa.column("id"), sa.column("published_at"))
_article_tags = sa.table("article_tags", sa.column("article_id"), sa.column("tag_id"))
_favorites = sa.table("favorites", sa.column("article_id"))


def _upgrade_tag_timeline() -> None:
    """``article_tags.published_at``, a copy of the article's, and the index a tag's page
    reads newest first; it replaces the plain index on ``tag_id`` (its prefix)."""
    op.add_column(
        "article_tags", sa.Column("published_at", UTCDateTime(timezone=True), nullable=True)
    )
    links = sa.table("article_tags", sa.column("article_id"), sa.column("published_at"))
    op.execute(
        links.update().values(
            published_at=sa.select(_articles.c.published_at)
            .where(_articles.c.id == links.c.article_id)
            .scalar_subquery()
        )
    )
    op.create_index(
        op.f("ix_article_tags_tag_id_published_at"),
        "article_tags",
        ["tag_id", "published_at", "article_id"],
        unique=False,
    )
    # MariaDB needs an index on tag_id for its foreign key: create the new one first.
    op.drop_index(op.f("ix_article_tags_tag_id"), table_name="article_tags")


def upgrade() -> None:
    _upgrade_tag_timeline()
    op.add_column(
        "articles", sa.Column("favorites_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "tags", sa.Column("released_articles", sa.Integer(), server_default="0", nullable=False)
    )
    site_totals = op.create_table(
        "site_totals",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("released_articles", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_site_totals_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_totals")),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )

    released = _articles.c.published_at.is_not(None)
    op.execute(
        site_totals.insert().from_select(
            ["id", "released_articles"],
            sa.select(sa.literal(1), sa.func.count()).select_from(_articles).where(released),
        )
    )
    articles = sa.table("articles", sa.column("id"), sa.column("favorites_count"))
    op.execute(
        articles.update().values(
            favorites_count=sa.select(sa.func.count())
            .select_from(_favorites)
            .where(_favorites.c.article_id == articles.c.id)
            .scalar_subquery()
        )
    )
    tags = sa.table("tags", sa.column("id"), sa.column("released_articles"))
    op.execute(
        tags.update().values(
            released_articles=sa.select(sa.func.count())
            .select_from(_article_tags)
            .join(_articles, _articles.c.id == _article_tags.c.article_id)
            .where(_article_tags.c.tag_id == tags.c.id, released)
            .scalar_subquery()
        )
    )


def downgrade() -> None:
    op.create_index(op.f("ix_article_tags_tag_id"), "article_tags", ["tag_id"], unique=False)
    op.drop_index(op.f("ix_article_tags_tag_id_published_at"), table_name="article_tags")
    with op.batch_alter_table("article_tags") as batch:
        batch.drop_column("published_at")
    op.drop_table("site_totals")
    with op.batch_alter_table("tags") as batch:
        batch.drop_column("released_articles")
    # Not a batch rebuild of articles on SQLite: that would drop the full-text triggers.
    op.drop_column("articles", "favorites_count")
