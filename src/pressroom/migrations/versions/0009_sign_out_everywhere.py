"""a generation of each user's tokens, for signing out everywhere

Ending every session of a user raises ``users.token_generation``; a token carries the
generation it was issued in, and one from an earlier generation no longer signs anyone in.
Tokens issued before this revision carry none and count as generation 0, which every
existing user starts at, so nobody is signed out by the upgrade.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("token_generation", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite has it since 3.35), never a batch rebuild: rebuilding the
    # users table would run the ON DELETE actions of every row that refers to it.
    op.drop_column("users", "token_generation")
