"""failed sign-ins, for slowing down password guessing

One row per wrong password (or unknown e-mail), by account and by client address, kept
for the throttling window (``PRESSROOM_SIGN_IN_WINDOW_SECONDS``) and then deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:47:17.526513
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import pressroom.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "failed_sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "account",
            sa.String(length=254)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=254), "mariadb"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=254), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", pressroom.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_sign_ins")),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("failed_sign_ins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_failed_sign_ins_account_failed_at", ["account", "failed_at"], unique=False
        )
        batch_op.create_index(
            "ix_failed_sign_ins_address_failed_at", ["address", "failed_at"], unique=False
        )
        batch_op.create_index("ix_failed_sign_ins_failed_at", ["failed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("failed_sign_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_sign_ins_failed_at")
        batch_op.drop_index("ix_failed_sign_ins_address_failed_at")
        batch_op.drop_index("ix_failed_sign_ins_account_failed_at")

    op.drop_table("failed_sign_ins")
