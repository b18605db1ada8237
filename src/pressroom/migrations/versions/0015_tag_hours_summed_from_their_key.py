"""a tag's hours ahead summed from the primary key alone, on PostgreSQL

The home page works out the uses of the tags released most, each its released count less
the sum of its hours still ahead: hundreds of rows for a busy tag with articles scheduled
weeks ahead. With ``articles`` in the key's index (``INCLUDE``), PostgreSQL sums them
with an index-only scan instead of visiting each row in the table. MariaDB's rows are
stored in the key's order already, and SQLite's tables stay small.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 05:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "tag_scheduled_hours"
KEY = "pk_tag_scheduled_hours"


def _key(*, include: list[str]) -> None:
    # One statement, so the table is never without its key.
    included = f" INCLUDE ({', '.join(include)})" if include else ""
    op.execute(
        f"ALTER TABLE {TABLE} DROP CONSTRAINT {KEY}, "
        f"ADD CONSTRAINT {KEY} PRIMARY KEY (tag_id, hour){included}"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _key(include=["articles"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _key(include=[])
