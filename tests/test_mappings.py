"""Every relationship is declared both ways and refuses to load lazily."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

from pressroom.db.base import Base
from pressroom.models import Article, User
from tests.factories import make_article, make_comment, make_user

# Sorted: the registry keeps its mappers in a weak set, in no stable order.
ALL_RELATIONSHIPS = sorted(
    (
        (mapper.class_.__name__, rel.key, rel)
        for mapper in Base.registry.mappers
        for rel in mapper.relationships
    ),
    key=lambda entry: (entry[0], entry[1]),
)


def test_every_model_is_mapped() -> None:
    names = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    assert names == {
        "User",
        "Article",
        "Comment",
        "Tag",
        "SiteTotals",
        "FailedSignIn",
        "ScheduledHour",
        "TagScheduledHour",
        "RevokedToken",
    }


@pytest.mark.parametrize(("model", "key", "rel"), ALL_RELATIONSHIPS, ids=lambda v: str(v))
def test_relationship_is_paired_and_raises_on_lazy_load(model: str, key: str, rel: object) -> None:
    from sqlalchemy.orm import RelationshipProperty

    assert isinstance(rel, RelationshipProperty)
    assert rel.back_populates, f"{model}.{key} has no back_populates"
    other = rel.mapper.relationships[rel.back_populates]
    assert other.back_populates == key, f"{model}.{key} and its pair disagree"
    assert rel.lazy == "raise", f"{model}.{key} loads lazily ({rel.lazy})"
    if rel.direction.name != "MANYTOONE":
        # Collections are removed by ON DELETE CASCADE, not by the ORM loading them first.
        assert rel.passive_deletes, f"{model}.{key} should leave deletes to the database"


def test_every_foreign_key_cascades_in_the_database() -> None:
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            assert fk.ondelete == "CASCADE", f"{table.name}.{fk.parent.name}"


def test_a_forgotten_eager_load_fails_loudly(session: Session) -> None:
    author = make_user(session)
    article = make_article(session, author)
    make_comment(session, article, author)
    session.expunge_all()

    loaded = session.scalars(select(Article).where(Article.id == article.id)).one()
    for key in ("author", "comments", "tags", "favorited_by"):
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            getattr(loaded, key)


def test_eager_loads_fill_what_the_reader_needs(session: Session) -> None:
    author = make_user(session)
    article = make_article(session, author)
    make_comment(session, article, author)
    session.expunge_all()

    loaded = session.scalars(
        select(Article)
        .where(Article.id == article.id)
        .options(joinedload(Article.author), selectinload(Article.comments))
    ).one()
    assert loaded.author.username == author.username
    assert len(loaded.comments) == 1
    assert inspect(loaded).attrs.tags.loaded_value is not None  # still unloaded, not fetched


async def test_lazy_load_raises_on_the_async_path(async_session: AsyncSession) -> None:
    user = User(username="async-user", email="async@example.org", password_hash="x")
    async_session.add(user)
    await async_session.flush()
    async_session.expunge_all()
    loaded = (await async_session.scalars(select(User).where(User.id == user.id))).one()
    with pytest.raises(InvalidRequestError, match="lazy='raise'"):
        _ = loaded.articles
