"""Work on a whole account, on the sync engine (async callers use ``run_sync``), and the
owner's deletion of theirs, confirmed by their password.

The owner deletes their account on the site or the API. The site has no administrators:
whoever runs pressroom does the rest from the command line, for a reader who forgot
their password (there is no e-mail to send a reset link with), a lost phone, or a spammer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import chain

from sqlalchemy import ColumnElement, Row, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pressroom.articles import counters
from pressroom.articles.counters import Release
from pressroom.kit.clock import utc_now
from pressroom.models import Article, Comment, FailedSignIn, User, article_tags, favorites, follows


class UnknownUser(LookupError):
    """No user has the username given."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    email: str

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(user.id, user.username, user.email)


@dataclass(frozen=True)
class Holdings:
    """What an account holds: all of it goes with the account."""

    published: int
    scheduled: int
    drafts: int
    comments: int  # written by the user, on any article
    favorites: int  # given by the user
    following: int
    followers: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def find(session: Session, username: str) -> Account:
    """The account called ``username`` (as spelled), or UnknownUser."""
    found = session.execute(
        select(User.id, User.username, User.email).where(User.username == username)
    ).one_or_none()
    if found is None:
        raise UnknownUser(f"no user is called {username!r}")
    return Account(*found)


def _count(
    rows: type[Article] | type[Comment] | Table, *conditions: ColumnElement[bool]
) -> ColumnElement[int]:
    return select(func.count()).select_from(rows).where(*conditions).scalar_subquery()


def holdings(session: Session, user_id: int) -> Holdings:
    """Count what the account holds, in one statement."""
    now = utc_now()
    own = Article.author_id == user_id
    figures = session.execute(
        select(
            _count(Article, own, Article.published_at <= now),
            _count(Article, own, Article.published_at > now),
            _count(Article, own, Article.published_at.is_(None)),
            _count(Comment, Comment.author_id == user_id),
            _count(favorites, favorites.c.user_id == user_id),
            _count(follows, follows.c.follower_id == user_id),
            _count(follows, follows.c.followee_id == user_id),
        )
    ).one()
    return Holdings(*(int(figure) for figure in figures))


def set_password(session: Session, account: Account, password_hash: str) -> None:
    """Give the user a new password (already hashed). Every token issued under the old one
    stops working, and the failed sign-ins counted against the account are forgotten, so
    the new password works at once."""
    session.execute(
        update(User)
        .where(User.id == account.id)
        .values(password_hash=password_hash)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(FailedSignIn).where(FailedSignIn.account == account.email))


def _end_sessions(session: Session, user_id: int) -> bool:
    """Raise the generation of the user's tokens; False when there is no such user."""
    ended = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(token_generation=User.token_generation + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(ended.rowcount)  # type: ignore[attr-defined]


def sign_out_everywhere(session: Session, account: Account) -> None:
    """End every session of the user: every token issued to them so far stops working."""
    _end_sessions(session, account.id)


def _articles_of(
    session: Session, user_id: int, *, lock: bool
) -> tuple[Sequence[int], Sequence[int]]:
    """The ids of the articles the user wrote, and of those they favorited; ``lock`` locks
    the rows found, so that none goes until this transaction ends (a favorite removed
    meanwhile has moved its count itself, and must not be taken out twice)."""
    own = select(Article.id).where(Article.author_id == user_id)
    favorited = select(favorites.c.article_id).where(favorites.c.user_id == user_id)
    if lock:
        own, favorited = own.with_for_update(), favorited.with_for_update()
    return session.scalars(own).all(), session.scalars(favorited).all()


def _lock_articles(
    session: Session, ids: Iterable[int]
) -> Sequence[Row[int, int, datetime | None]]:
    """Lock these articles by primary key, in id order as every writer locks them; their
    id, author and publication time, as they are now."""
    return session.execute(
        select(Article.id, Article.author_id, Article.published_at)
        .where(Article.id.in_(sorted(set(ids))))
        .order_by(Article.id)
        .with_for_update()
    ).all()


def delete_account(session: Session, account: Account) -> Holdings:
    """Delete the user and all they hold: the database cascades to their articles (with
    the comments, favorites and tag links on them), comments, favorites and follows.

    The maintained counts move in the same transaction. Locks are taken in the order
    favoriting takes them: articles (by primary key), then the rows that point at them or
    at her. Her own favorite being added holds its article while its foreign key waits for
    her row, so taking her row before the articles would deadlock with it.

    - The articles she wrote or favorited, found without a lock: locking her favorites
      first would hold up favorites being added beside them, which hold articles.
    - Her row: from then on nothing of hers can be added, since a new favorite, comment
      or article would need it for its foreign key.
    - The same found again, locked, with any she wrote or favorited in between: now the
      lists are final, and each count her favorites added goes down by one.

    Only a change of hers to an article she wrote or favorited in between, made at that
    very moment, can still deadlock with this: the database then undoes one of the two
    whole, and nothing is half-written.

    Returns what went, counted once her row is locked; UnknownUser if the account is gone
    already. On SQLite, which locks the whole database instead, call it in a unit of work
    begun for writes.
    """
    _lock_articles(session, chain(*_articles_of(session, account.id, lock=False)))
    if session.scalar(select(User.id).where(User.id == account.id).with_for_update()) is None:
        raise UnknownUser(f"{account.username!r} is deleted already")
    locked = _lock_articles(session, chain(*_articles_of(session, account.id, lock=True)))
    held = holdings(session, account.id)

    own = [row for row in locked if row.author_id == account.id]
    released = {row.id: row.published_at for row in own if row.published_at is not None}
    tags_of: dict[int, set[int]] = {article_id: set() for article_id in released}
    links = select(article_tags.c.article_id, article_tags.c.tag_id).where(
        article_tags.c.article_id.in_(sorted(released))
    )
    for article_id, tag_id in session.execute(links) if released else ():
        tags_of[article_id].add(tag_id)
    counters.withdraw(session, (Release.of(at, tags_of[key]) for key, at in released.items()))
    # Favorites of her own articles go with them; the others' counts go down by one.
    counters.withdraw_favorites(session, (row.id for row in locked if row.author_id != account.id))
    session.execute(
        delete(User).where(User.id == account.id).execution_options(synchronize_session=False)
    )
    return held


async def delete_own_account(session: AsyncSession, owner: User) -> None:
    """Delete ``owner``'s account, once their password confirmed it
    (``pressroom.users.service.confirm``) and the write session read them again. On a
    server database another deletion may still get there first: then it is done."""
    with suppress(UnknownUser):
        await session.run_sync(delete_account, Account.of(owner))
