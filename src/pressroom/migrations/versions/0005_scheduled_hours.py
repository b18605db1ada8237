"""scheduled articles counted by the hour

A list's total is the released count less the articles still scheduled. With many
scheduled, counting them one by one on every request is a scan of its own; this table
holds them by the hour, so readers add up hours and count singly only within the current
one. The articles scheduled now are counted into it here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:23:32.940402
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import pressroom.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_articles = sa.table("articles", sa.column("published_at", pressroom.db.types.UTCDateTime()))


def upgrade() -> None:
    hours = op.create_table(
        "scheduled_hours",
        sa.Column("hour", pressroom.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("articles", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("hour", name=op.f("pk_scheduled_hours")),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    next_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    scheduled = op.get_bind().scalars(
        sa.select(_articles.c.published_at).where(_articles.c.published_at >= next_hour)
    )
    per_hour = Counter(t.replace(minute=0, second=0, microsecond=0) for t in scheduled)
    if per_hour:
        op.bulk_insert(
            hours, [{"hour": hour, "articles": n} for hour, n in sorted(per_hour.items())]
        )


def downgrade() -> None:
    op.drop_table("scheduled_hours")
