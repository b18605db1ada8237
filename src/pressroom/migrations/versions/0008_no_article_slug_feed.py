"""An article whose slug is ``feed`` moves to a suffixed slug

``GET /api/articles/feed`` is the reader's feed, so an article with the slug ``feed``
could be updated and deleted but never read, commented on or favorited. New articles
never get that slug; this gives an existing one ``feed-`` and six random characters, as
when a slug is taken. Going down leaves it there: the old slug was unreachable anyway.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:45:00.000000
"""

import secrets
import string
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Its own copy of the slug rules: a later change to the application must not change what
# this revision does.
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
_articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("slug", sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    moved = connection.scalar(sa.select(_articles.c.id).where(_articles.c.slug == "feed"))
    if moved is None:  # slugs are unique: there is one such article at most
        return
    while True:
        slug = "feed-" + "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(6))
        if not connection.scalar(sa.select(sa.exists().where(_articles.c.slug == slug))):
            break
    connection.execute(sa.update(_articles).where(_articles.c.id == moved).values(slug=slug))


def downgrade() -> None:
    pass
