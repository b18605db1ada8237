"""the words of each article's body, counted when it is written

Lists show each article's reading time, which was worked out from its body on every
read: every list read every body. The count is now kept with the body, and lists read
the count. Existing articles are counted here, a batch at a time.

The column is added with plain ``ALTER TABLE ... ADD COLUMN``, never a batch rebuild, so
the SQLite full-text triggers of 0002 stay in place.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000
_articles = sa.table("articles", sa.column("id"), sa.column("body"), sa.column("word_count"))


def _count_words(text: str) -> int:
    # As pressroom.kit.words.count_words counts them; a migration keeps its own copy, so
    # that a later change to the application cannot change what this revision did.
    return len(text.split())


def _count_existing_articles(connection: sa.Connection) -> None:
    """Count every article's words, in batches of ids, with one UPDATE statement per batch."""
    last_id = 0
    while True:
        batch = connection.execute(
            sa.select(_articles.c.id, _articles.c.body)
            .where(_articles.c.id > last_id)
            .order_by(_articles.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            return
        connection.execute(
            _articles.update()
            .where(_articles.c.id == sa.bindparam("article_id"))
            .values(word_count=sa.bindparam("words")),
            [{"article_id": id_, "words": _count_words(body)} for id_, body in batch],
        )
        last_id = batch[-1].id


def upgrade() -> None:
    op.add_column(
        "articles", sa.Column("word_count", sa.Integer(), server_default="0", nullable=False)
    )
    _count_existing_articles(op.get_bind())


def downgrade() -> None:
    op.drop_column("articles", "word_count")
