"""each tag's scheduled articles counted by the hour

A tag's total is its released count less its articles still scheduled. Revision 0005
gave the site's total its scheduled hours; a tag's were still counted one by one on
every request, a scan that grows with the tag. This table holds them by (tag, hour), as
``scheduled_hours`` does for the site. The tag links of articles scheduled now are
counted into it here.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:33:48.932601
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import pressroom.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_links = sa.table(
    "article_tags",
    sa.column("tag_id", sa.Integer()),
    sa.column("published_at", pressroom.db.types.UTCDateTime()),
)


def upgrade() -> None:
    hours = op.create_table(
        "tag_scheduled_hours",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("hour", pressroom.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("articles", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name=op.f("fk_tag_scheduled_hours_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tag_id", "hour", name=op.f("pk_tag_scheduled_hours")),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    next_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    scheduled = op.get_bind().execute(
        sa.select(_links.c.tag_id, _links.c.published_at).where(_links.c.published_at >= next_hour)
    )
    per_tag_hour = Counter(
        (tag_id, at.replace(minute=0, second=0, microsecond=0)) for tag_id, at in scheduled
    )
    if per_tag_hour:
        op.bulk_insert(
            hours,
            [
                {"tag_id": tag_id, "hour": hour, "articles": n}
                for (tag_id, hour), n in sorted(per_tag_hour.items())
            ],
        )


def downgrade() -> None:
    op.drop_table("tag_scheduled_hours")
