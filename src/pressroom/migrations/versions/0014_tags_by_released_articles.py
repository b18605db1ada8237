"""the most released tags found by an index

The home page shows the twenty most used tags. A tag's uses are never more than its
released articles, so the top is found among the tags released most, read from this
index, rather than by working out the uses of every tag (see ``tags.repository``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 21:35:29.088736
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tags_released_articles_id", "tags", ["released_articles", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tags_released_articles_id", table_name="tags")
