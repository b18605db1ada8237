"""Login tokens signed out one at a time, remembered until they would have expired anyway."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from pressroom.db.base import Base
from pressroom.db.dialects import MYSQL_TABLE_OPTIONS, exact_string
from pressroom.db.types import UTCDateTime

TOKEN_ID_MAX = 32  # the ``jti`` claim: 16 random bytes, base64url-encoded in 22 characters


class RevokedToken(Base):
    """A token its holder signed out with (``DELETE /api/user/session``, the site's "Sign
    out"): refused from then on, though its signature and expiry still hold.

    A token is named by its ``jti`` claim, a random id given to it when it is issued. The
    row is needed only until the token expires: expired rows are deleted as new ones come
    in. Signing out everywhere needs no rows at all (see ``User.token_generation``).
    """

    __tablename__ = "revoked_tokens"
    __table_args__ = (Index("ix_revoked_tokens_expires_at", "expires_at"), MYSQL_TABLE_OPTIONS)

    # Compared byte for byte: the ids are case-sensitive, MySQL's default collation is not.
    token_id: Mapped[str] = mapped_column(exact_string(TOKEN_ID_MAX), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"RevokedToken(token_id={self.token_id!r}, expires_at={self.expires_at!r})"
