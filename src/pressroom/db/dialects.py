"""Everything dialect-specific lives here: the only module that imports ``sqlalchemy.dialects``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeEngine

MYSQL_NAMES = ("mysql", "mariadb")

# Every table on MySQL/MariaDB: InnoDB (foreign keys, transactions) and full Unicode.
MYSQL_TABLE_OPTIONS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def mysql_datetime() -> TypeEngine[Any]:
    """MySQL's DATETIME keeps no fractional seconds unless asked: keep microseconds."""
    return mysql.DATETIME(fsp=6)


def exact_string(length: int) -> String:
    """A string compared byte for byte on every database.

    MySQL's default collations ignore case, which would make ``Alice`` and ``alice``
    collide on a unique index there and nowhere else.
    """
    variant = mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin")
    return String(length).with_variant(variant, *MYSQL_NAMES)


def long_text() -> Text:
    """Text for article bodies: MySQL's plain TEXT stops at 64 KiB."""
    return Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL_NAMES)
