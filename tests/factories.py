"""Small builders for test rows, with unique defaults."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pressroom.models import Article, Comment, User

_counter = itertools.count(1)


def make_user(session: Session, **values: Any) -> User:
    n = next(_counter)
    user = User(
        username=values.pop("username", f"user{n}"),
        email=values.pop("email", f"user{n}@example.org"),
        password_hash=values.pop("password_hash", "not-a-real-hash"),
        **values,
    )
    session.add(user)
    session.flush()
    return user


def make_article(
    session: Session, author: User, *, published_at: datetime | None = None, **values: Any
) -> Article:
    n = next(_counter)
    article = Article(
        title=values.pop("title", f"Article number {n}"),
        description=values.pop("description", "A description"),
        body=values.pop("body", "Some *Markdown* body."),
        author_id=author.id,
        published_at=published_at,
        **values,
    )
    session.add(article)
    session.flush()
    return article


def make_comment(session: Session, article: Article, author: User, body: str = "Nice!") -> Comment:
    comment = Comment(article_id=article.id, author_id=author.id, body=body)
    session.add(comment)
    session.flush()
    return comment
