"""Slugs before insert, the is_published hybrid in Python and SQL, optimistic locking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pressroom.kit.clock import utc_now
from pressroom.kit.slugs import SUFFIX_LENGTH, slugify
from pressroom.models import Article
from tests.factories import make_article, make_user


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("How to train your dragon", "how-to-train-your-dragon"),
        ("  Hello,   World!  ", "hello-world"),
        ("Ünïcödé café crème", "unicode-cafe-creme"),
        ("Привет, мир", "privet-mir"),
        ("C++ & Rust: 2 languages", "c-rust-2-languages"),
        ("🚀🚀🚀", "article"),
        ("", "article"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_keeps_long_titles_short_and_whole_words() -> None:
    slug = slugify("word " * 100)
    assert len(slug) <= 200
    assert slug.endswith("word")


def test_slug_is_made_from_the_title_before_insert(session: Session) -> None:
    article = make_article(session, make_user(session), title="Slugs are generated")
    assert article.slug == "slugs-are-generated"


def test_duplicate_titles_get_distinct_readable_slugs(session: Session) -> None:
    author = make_user(session)
    first = make_article(session, author, title="Same title")
    second = make_article(session, author, title="Same title")
    third = make_article(session, author, title="Same title")
    assert first.slug == "same-title"
    for other in (second, third):
        assert other.slug.startswith("same-title-")
        suffix = other.slug.removeprefix("same-title-")
        assert len(suffix) == SUFFIX_LENGTH
        assert suffix.isascii()
        assert suffix.isalnum()
    assert len({first.slug, second.slug, third.slug}) == 3


def test_non_ascii_title_gives_an_ascii_slug(session: Session) -> None:
    article = make_article(session, make_user(session), title="Ελληνικά κείμενα")
    assert article.slug == "ellenika-keimena"
    assert article.slug.isascii()


def test_a_given_slug_is_kept(session: Session) -> None:
    article = make_article(session, make_user(session), title="Whatever", slug="chosen-slug")
    assert article.slug == "chosen-slug"


@pytest.mark.parametrize(
    ("state", "offset", "expected"),
    [
        ("draft", None, False),
        ("scheduled", timedelta(days=1), False),
        ("published", timedelta(days=-1), True),
        ("published a moment ago", timedelta(seconds=-1), True),
    ],
)
def test_is_published_agrees_in_python_and_sql(
    session: Session, state: str, offset: timedelta | None, expected: bool
) -> None:
    published_at = None if offset is None else utc_now() + offset
    article = make_article(session, make_user(session), published_at=published_at)

    in_python = article.is_published
    in_sql = session.scalar(select(Article.is_published).where(Article.id == article.id))
    filtered = session.scalar(
        select(Article.id).where(Article.id == article.id, Article.is_published)
    )

    assert in_python is expected
    assert bool(in_sql) is expected
    assert (filtered is not None) is expected


def test_a_scheduled_article_becomes_visible_when_its_time_comes(session: Session) -> None:
    article = make_article(session, make_user(session), published_at=utc_now() + timedelta(days=1))
    # The same statement object, executed twice: the clock is read at execution time.
    visible = select(Article.id).where(Article.id == article.id, Article.is_published)
    assert session.scalar(visible) is None
    session.execute(
        update(Article)
        .where(Article.id == article.id)
        .values(published_at=utc_now() - timedelta(seconds=1))
    )
    assert session.scalar(visible) == article.id


def test_a_stale_update_is_refused(session: Session) -> None:
    article = make_article(session, make_user(session), title="Versioned")
    assert article.version == 1
    # Someone else updates the row behind this session's back.
    session.execute(
        update(Article)
        .where(Article.id == article.id)
        .values(title="Changed elsewhere", version=Article.version + 1)
        .execution_options(synchronize_session=False)
    )
    article.title = "My change"
    with pytest.raises(StaleDataError):
        session.flush()


def test_each_update_bumps_the_version(session: Session) -> None:
    article = make_article(session, make_user(session))
    article.title = "New title"
    session.flush()
    assert article.version == 2
