"""Site-wide totals: one row, kept in step with the rows it counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Connection, Table, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS

THE_ROW = 1


class SiteTotals(Base):
    """Counts every reader's list needs, so that no request counts a whole table.

    ``released_articles`` counts the articles that are published or scheduled; readers
    subtract the few still scheduled (an index range) to get what is visible now, so the
    total stays exact as scheduled articles come due without any write.
    """

    __tablename__ = "site_totals"
    __table_args__ = (CheckConstraint(f"id = {THE_ROW}", name="one_row"), MYSQL_TABLE_OPTIONS)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    released_articles: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"SiteTotals(released_articles={self.released_articles!r})"


@event.listens_for(SiteTotals.__table__, "after_create")
def _write_the_row(table: Table, connection: Connection, **_: Any) -> None:
    # The migration that creates the table writes its row; this does it for a create_all.
    connection.execute(insert(table).values(id=THE_ROW, released_articles=0))
