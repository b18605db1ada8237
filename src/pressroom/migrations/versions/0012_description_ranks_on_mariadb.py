"""MariaDB/MySQL: a FULLTEXT index on descriptions, so that they rank above bodies

A search ranks a word found in the title above one found in the description, and that
above one found in the body: PostgreSQL weighs the three parts of its vector (A, B, C),
SQLite gives bm25() a weight per column. MariaDB's relevance comes from ``MATCH`` over
the columns of one FULLTEXT index, with no weights; revision 0002 gave titles an index of
their own, whose relevance is added to the whole article's, and this one does the same
for descriptions. Nothing changes on the other databases.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pressroom.models.search.DESCRIPTION_FULLTEXT_INDEX, as it was named here.
DESCRIPTION_FULLTEXT_INDEX = "ix_articles_description_fulltext"


def _on_mysql() -> bool:
    return op.get_bind().dialect.name in ("mysql", "mariadb")


def upgrade() -> None:
    if _on_mysql():
        op.execute(f"CREATE FULLTEXT INDEX {DESCRIPTION_FULLTEXT_INDEX} ON articles (description)")


def downgrade() -> None:
    if _on_mysql():
        op.execute(f"DROP INDEX {DESCRIPTION_FULLTEXT_INDEX} ON articles")
