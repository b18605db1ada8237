"""Site-wide totals, kept in step with the rows they count."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    CheckConstraint,
    Connection,
    ForeignKey,
    PrimaryKeyConstraint,
    Table,
    bindparam,
    event,
    insert,
)
from sqlalchemy.orm import Mapped, mapped_column

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS
from pressroom.db.types import UTCDateTime
from pressroom.kit.clock import utc_now

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


class ScheduledHour(Base):
    """How many articles are scheduled in each hour still to come.

    Readers subtract the articles still scheduled from the released count. Counting them
    one by one would read every scheduled article on every list; these rows let a reader
    add up whole hours instead, and count one by one only within the current hour. A row
    is kept by every write that schedules or unschedules an article in an hour still
    ahead; rows of hours gone by are never read again, and ``recount`` drops them.
    """

    __tablename__ = "scheduled_hours"
    __table_args__ = MYSQL_TABLE_OPTIONS

    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    articles: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"ScheduledHour(hour={self.hour!r}, articles={self.articles!r})"


class TagScheduledHour(Base):
    """How many of a tag's articles are scheduled in each hour still to come: a tag's own
    ``ScheduledHour``, so that a tag's total subtracts whole hours too.

    Kept by the same writes, in the same transactions; rows of hours gone by are never
    read again, and ``recount`` drops them. Tags are never deleted; were one, its hours
    would go with it.

    Readers add up a tag's hours ahead from its primary key alone: on PostgreSQL the key's
    index carries ``articles`` too (``INCLUDE``), so the sum reads no table rows; MariaDB
    keeps the rows in the key's order anyway.
    """

    __tablename__ = "tag_scheduled_hours"
    __table_args__ = (
        PrimaryKeyConstraint("tag_id", "hour", postgresql_include=["articles"]),
        MYSQL_TABLE_OPTIONS,
    )

    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    articles: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return (
            f"TagScheduledHour(tag_id={self.tag_id!r}, hour={self.hour!r},"
            f" articles={self.articles!r})"
        )


def hour_of(moment: datetime) -> datetime:
    """The start of the hour ``moment`` falls in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def first_hour_ahead(now: datetime | None = None) -> datetime:
    """The start of the hour after ``now`` (by default, the clock's): the hours before it
    are never read as scheduled again."""
    return hour_of(now or utc_now()) + timedelta(hours=1)


def first_hour_ahead_parameter() -> BindParameter[datetime]:
    """:func:`first_hour_ahead` as a statement's parameter, read each time it runs, so a
    statement built once stays right as the hours go by."""
    return bindparam("next_hour", callable_=first_hour_ahead, type_=UTCDateTime(), unique=True)
