"""Failed sign-ins, kept for a short window so that password guessing can be slowed down."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS, exact_string
from pressroom.db.types import UTCDateTime
from pressroom.kit.clock import utc_now
from pressroom.models.users import EMAIL_MAX

ADDRESS_MAX = 64  # an IPv6 address with a zone fits


class FailedSignIn(Base):
    """One wrong password (or unknown e-mail) for ``account``, from ``address``.

    In the database rather than in each process, so every app server behind the load
    balancer counts the same failures. Rows older than the window are deleted as new ones
    come in.
    """

    __tablename__ = "failed_sign_ins"
    __table_args__ = (
        Index("ix_failed_sign_ins_account_failed_at", "account", "failed_at"),
        Index("ix_failed_sign_ins_address_failed_at", "address", "failed_at"),
        Index("ix_failed_sign_ins_failed_at", "failed_at"),
        # Ids may be given again on SQLite: the rows are counted, never named, and keeping
        # a counter would cost every failed sign-in one more write.
        MYSQL_TABLE_OPTIONS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(exact_string(EMAIL_MAX))  # the e-mail as given
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    def __repr__(self) -> str:
        return f"FailedSignIn(account={self.account!r}, address={self.address!r})"
