"""The database itself enforces uniqueness, cascades and the no-self-follow rule."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pressroom.db.dialects import insert_once
from pressroom.models import Article, Comment, Tag, User, article_tags, favorites, follows
from tests.factories import make_article, make_comment, make_user


def _count(session: Session, table: object, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(table).where(*where)) or 0  # type: ignore[arg-type]


def test_username_is_unique(session: Session) -> None:
    make_user(session, username="ada")
    with pytest.raises(IntegrityError), session.begin_nested():
        make_user(session, username="ada")


def test_username_uniqueness_is_case_sensitive_on_every_database(session: Session) -> None:
    make_user(session, username="ada")
    make_user(session, username="Ada")  # MySQL's default collation would refuse this one
    assert _count(session, User, User.username.in_(["ada", "Ada"])) == 2


def test_email_is_unique_after_normalization(session: Session) -> None:
    first = make_user(session, email="Ada@Example.org ")
    assert first.email == "ada@example.org"
    with pytest.raises(IntegrityError), session.begin_nested():
        make_user(session, email="ADA@example.org")


def test_slug_is_unique(session: Session) -> None:
    author = make_user(session)
    make_article(session, author, slug="same-slug")
    with pytest.raises(IntegrityError), session.begin_nested():
        make_article(session, author, slug="same-slug")


def test_tag_name_is_unique(session: Session) -> None:
    session.add(Tag(name="python"))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Tag(name="python"))
        session.flush()


def test_nobody_follows_themselves(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(follows).values(follower_id=user.id, followee_id=user.id))


def test_a_follow_or_favorite_exists_once(session: Session) -> None:
    a, b = make_user(session), make_user(session)
    article = make_article(session, b)
    session.execute(insert(follows).values(follower_id=a.id, followee_id=b.id))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(follows).values(follower_id=a.id, followee_id=b.id))
    session.execute(insert(favorites).values(user_id=a.id, article_id=article.id))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(favorites).values(user_id=a.id, article_id=article.id))


def test_deleting_a_user_with_core_cascades_in_the_database(session: Session) -> None:
    author, reader, bystander = make_user(session), make_user(session), make_user(session)
    own = make_article(session, author)
    other = make_article(session, bystander)
    tag = Tag(name="cascade-test")
    session.add(tag)
    session.flush()
    session.execute(insert(article_tags).values(article_id=own.id, tag_id=tag.id))
    make_comment(session, own, reader)  # on the author's article
    make_comment(session, other, author)  # by the author elsewhere
    make_comment(session, other, reader)  # unrelated: must survive
    session.execute(
        insert(favorites),
        [
            {"user_id": reader.id, "article_id": own.id},
            {"user_id": author.id, "article_id": other.id},
            {"user_id": reader.id, "article_id": other.id},
        ],
    )
    session.execute(
        insert(follows),
        [
            {"follower_id": reader.id, "followee_id": author.id},
            {"follower_id": author.id, "followee_id": bystander.id},
            {"follower_id": reader.id, "followee_id": bystander.id},
        ],
    )

    # Core, not the ORM: only the database's ON DELETE CASCADE can clean up.
    session.execute(delete(User).where(User.id == author.id))

    assert _count(session, Article, Article.author_id == author.id) == 0
    assert _count(session, Article, Article.id == other.id) == 1
    assert _count(session, Comment, Comment.article_id == own.id) == 0
    assert _count(session, Comment, Comment.author_id == author.id) == 0
    assert _count(session, Comment, Comment.author_id == reader.id) == 1
    assert _count(session, article_tags, article_tags.c.article_id == own.id) == 0
    assert _count(session, Tag, Tag.id == tag.id) == 1  # tags outlive their articles
    assert _count(session, favorites, favorites.c.article_id == own.id) == 0
    assert _count(session, favorites, favorites.c.user_id == author.id) == 0
    assert _count(session, favorites, favorites.c.user_id == reader.id) == 1
    assert _count(session, follows, follows.c.followee_id == author.id) == 0
    assert _count(session, follows, follows.c.follower_id == author.id) == 0
    assert _count(session, follows, follows.c.follower_id == reader.id) == 1


def test_deleting_a_user_through_the_orm_leaves_it_to_the_database(session: Session) -> None:
    author = make_user(session)
    article = make_article(session, author)
    make_comment(session, article, author)
    session.delete(author)  # passive_deletes: no collection is loaded (lazy="raise" would fail)
    session.flush()
    assert _count(session, Article, Article.id == article.id) == 0
    assert _count(session, Comment, Comment.article_id == article.id) == 0


@pytest.mark.parametrize("table", ["follows", "favorites"])
def test_insert_once_leaves_one_row_and_raises_nothing(session: Session, table: str) -> None:
    a, b = make_user(session), make_user(session)
    article = make_article(session, b)
    link, values = (
        (follows, {"follower_id": a.id, "followee_id": b.id})
        if table == "follows"
        else (favorites, {"user_id": a.id, "article_id": article.id})
    )
    statement = insert_once(link, session.get_bind().dialect.name)
    for _ in range(3):
        session.execute(statement.values(**values))
    assert _count(session, link) == 1


def test_insert_once_still_refuses_a_dangling_row(session: Session) -> None:
    user = make_user(session)
    statement = insert_once(favorites, session.get_bind().dialect.name)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(statement.values(user_id=user.id, article_id=987654321))
