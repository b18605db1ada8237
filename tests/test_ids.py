"""An id names one row for good: deleting the newest row never frees its id, on any database.

Feed entries are named by their article's id, the API names comments by theirs and login
tokens name their user by theirs; an id given again would make a new row pass for a
deleted one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from pressroom.db import migrate
from pressroom.db.base import Base
from pressroom.feeds.documents import entry_id
from pressroom.models import Article, Comment, User
from tests.factories import make_article, make_comment, make_user

BASE = "http://test"


def _delete_the_newest(session: Session, row: User | Article | Comment) -> int:
    """Delete ``row``, the one with the highest id of its table; its id."""
    model = type(row)
    assert session.scalar(select(func.max(model.id))) == row.id
    gone = row.id
    session.delete(row)
    session.flush()
    return gone


def test_a_new_user_never_gets_a_deleted_users_id(session: Session) -> None:
    gone = _delete_the_newest(session, make_user(session))

    assert make_user(session).id > gone


def test_a_new_article_never_gets_a_deleted_articles_id_or_feed_entry(session: Session) -> None:
    author = make_user(session)
    # Published the same day: a feed entry's id holds the day the article was created.
    day = datetime(2026, 12, 3, 9, tzinfo=UTC)
    deleted = make_article(session, author, published_at=day, created_at=day)
    deleted_entry = entry_id(BASE, deleted)
    gone = _delete_the_newest(session, deleted)

    later = day.replace(hour=17)
    new = make_article(session, author, published_at=later, created_at=later)

    assert new.id > gone
    assert entry_id(BASE, new) != deleted_entry


def test_a_new_comment_never_gets_a_deleted_comments_id(session: Session) -> None:
    author = make_user(session)
    article = make_article(session, author)
    gone = _delete_the_newest(session, make_comment(session, article, author))

    assert make_comment(session, article, author).id > gone


def test_the_models_and_the_migrations_agree_on_sqlite_counters(tmp_path: Path) -> None:
    """``pressroom db check`` does not compare AUTOINCREMENT: the tables a model asks it for
    are those the migrations built with it."""
    url = f"sqlite:///{tmp_path / 'head.db'}"
    migrate.upgrade(migrate.alembic_config(url))
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            built = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master")
            migrated = {name for name, sql in built if "AUTOINCREMENT" in (sql or "")}
    finally:
        engine.dispose()
    modelled = {
        table.name
        for table in Base.metadata.tables.values()
        if table.dialect_options["sqlite"]["autoincrement"]
    }
    assert modelled == migrated == {"users", "articles", "comments"}
