"""revoked tokens, for signing out one token at a time

A token signed out alone (``DELETE /api/user/session``, the site's "Sign out") is named
here by its ``jti`` claim until it would have expired. Tokens issued before this revision
carry no id: they keep working until they expire or their user signs out everywhere.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:40:21.271102
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import pressroom.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revoked_tokens",
        sa.Column(
            "token_id",
            sa.String(length=32)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=32), "mariadb"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=32), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("expires_at", pressroom.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_revoked_tokens")),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_revoked_tokens_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_revoked_tokens_expires_at")
    op.drop_table("revoked_tokens")
