"""A publication in figures: totals, top authors and top tags, each in one aggregate statement."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from pressroom.models import Article, Comment, Tag, User, article_tags, favorites, follows

TOP = 10


@dataclass(frozen=True)
class Totals:
    users: int
    articles: int
    drafts: int
    scheduled: int
    published: int
    comments: int
    tags: int
    favorites: int
    follows: int


@dataclass(frozen=True)
class AuthorRank:
    username: str
    published: int
    favorites_received: int


@dataclass(frozen=True)
class TagRank:
    name: str
    published: int


@dataclass(frozen=True)
class Stats:
    totals: Totals
    top_authors: list[AuthorRank]
    top_tags: list[TagRank]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(table: Any) -> Any:
    return select(func.count()).select_from(table).scalar_subquery()


def totals_statement() -> Select[Any]:
    """One row: articles by status (the clock read once), then each table's row count."""
    published = Article.published_now()
    return select(
        _count(User),
        func.count(Article.id),
        func.count(case((Article.published_at.is_(None), Article.id))),
        func.count(case((and_(Article.published_at.is_not(None), ~published), Article.id))),
        func.count(case((published, Article.id))),
        _count(Comment),
        _count(Tag),
        _count(favorites),
        _count(follows),
    ).select_from(Article)


def top_authors_statement(limit: int = TOP) -> Select[str, int, int]:
    """Authors by published articles, then the favorites received by those few alone.

    Ranking first and counting favorites for the winners only keeps a million-article
    publication from joining every favorite to every article.
    """
    published = func.count(Article.id)
    ranked = (
        select(User.id, User.username, published.label("published"))
        .join(Article, Article.author_id == User.id)
        .where(Article.published_now())
        .group_by(User.id, User.username)
        .order_by(published.desc(), User.username)
        .limit(limit)
        .subquery("ranked")
    )
    received = (
        select(func.count())
        .select_from(favorites)
        .join(Article, Article.id == favorites.c.article_id)
        .where(Article.author_id == ranked.c.id, Article.published_now())
        .scalar_subquery()
    )
    return select(ranked.c.username, ranked.c.published, received).order_by(
        ranked.c.published.desc(), ranked.c.username
    )


def top_tags_statement(limit: int = TOP) -> Select[str, int]:
    """Tags by the published articles that carry them."""
    articles = func.count(article_tags.c.article_id)
    return (
        select(Tag.name, articles.label("published"))
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(Article.published_now())
        .group_by(Tag.id, Tag.name)
        .order_by(articles.desc(), Tag.name)
        .limit(limit)
    )


def collect(session: Session, limit: int = TOP) -> Stats:
    """Totals and the top authors and tags, in three statements whatever the data size."""
    row = session.execute(totals_statement()).one()
    totals = Totals(*(int(value or 0) for value in row))
    authors = [
        AuthorRank(name, int(count), int(received))
        for name, count, received in session.execute(top_authors_statement(limit))
    ]
    tags = [TagRank(name, int(count)) for name, count in session.execute(top_tags_statement(limit))]
    return Stats(totals, authors, tags)
