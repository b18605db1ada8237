"""Recounting the maintained counts from the rows they count, set-based.

Every write keeps the counts right as it goes (``pressroom.articles.counters``); this is
for what writes rows past them: the seed, an import, the operator's ``pressroom recount``
after editing rows by hand. Only the counters that are wrong are written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from pressroom.articles.counters import ARTICLES, KEEP_UPDATED_AT, TAGS
from pressroom.kit.words import count_words
from pressroom.models import (
    Article,
    ScheduledHour,
    SiteTotals,
    TagScheduledHour,
    article_tags,
    favorites,
)
from pressroom.models.site import first_hour_ahead, hour_of

_IDS_PER_STATEMENT = 1000


@dataclass(frozen=True)
class Recounted:
    """How many counters (and tag links' copies of a publication time, and articles' word
    counts) were wrong and are now right."""

    site: int
    tags: int
    articles: int
    links: int
    hours: int
    tag_hours: int
    words: int

    @property
    def total(self) -> int:
        return (
            self.site
            + self.tags
            + self.articles
            + self.links
            + self.hours
            + self.tag_hours
            + self.words
        )


def _true_site_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(Article)
        .where(Article.published_at.is_not(None))
        .scalar_subquery()
    )


def _true_tag_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(article_tags)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(article_tags.c.tag_id == TAGS.c.id, Article.published_at.is_not(None))
        .scalar_subquery()
    )


def _true_favorites_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(favorites)
        .where(favorites.c.article_id == Article.id)
        .scalar_subquery()
    )


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    # Bounded IN lists: no database's parameter limit is ever reached.
    return (ids[i : i + _IDS_PER_STATEMENT] for i in range(0, len(ids), _IDS_PER_STATEMENT))


def _fix(session: Session, statement: Update, ids: Collection[int] | None, key: Any) -> int:
    """Run ``statement`` on every row (``ids`` None) or on ``ids`` a chunk at a time."""
    if ids is None:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    fixed = 0
    for chunk in _chunks(sorted(ids)):
        result = session.execute(statement.where(key.in_(chunk)))
        fixed += int(result.rowcount)  # type: ignore[attr-defined]
    return fixed


def recount_favorites(session: Session, article_ids: Collection[int] | None = None) -> int:
    """Set ``favorites_count`` from the favorites of ``article_ids`` (None: every article);
    returns how many were wrong."""
    true_count = _true_favorites_count()
    statement = (
        update(Article)
        .where(Article.favorites_count != true_count)
        .values(favorites_count=true_count, **KEEP_UPDATED_AT)
        .execution_options(synchronize_session=False)
    )
    return _fix(session, statement, article_ids, Article.id)


def recount(session: Session, *, words: bool = True) -> Recounted:
    """Set every counter to what the rows say, writing only those that are wrong.

    ``words=False`` leaves the word counts alone, for a writer that just counted them
    with the bodies it wrote: checking them means reading every body.
    """
    site_count = _true_site_count()
    site = session.execute(
        update(SiteTotals)
        .where(SiteTotals.released_articles != site_count)
        .values(released_articles=site_count)
        .execution_options(synchronize_session=False)
    )
    tag_count = _true_tag_count()
    tags = session.execute(
        update(TAGS)
        .where(TAGS.c.released_articles != tag_count)
        .values(released_articles=tag_count)
    )
    articles = recount_favorites(session)
    article_time = (
        select(Article.published_at)
        .where(Article.id == article_tags.c.article_id)
        .scalar_subquery()
    )
    links = session.execute(
        update(article_tags)
        .where(article_tags.c.published_at.is_distinct_from(article_time))
        .values(published_at=article_time)
    )
    return Recounted(
        int(site.rowcount),  # type: ignore[attr-defined]
        int(tags.rowcount),  # type: ignore[attr-defined]
        articles,
        int(links.rowcount),  # type: ignore[attr-defined]
        _recount_hours(session),
        _recount_tag_hours(session),
        recount_words(session) if words else 0,
    )


_WORDS_BATCH = 1000


def recount_words(session: Session) -> int:
    """Set each article's ``word_count`` from its body, a batch of articles at a time;
    returns how many were wrong. Words are counted here as on every write, in Python."""
    # On the table: an UPDATE of the mapped class with a list of rows would be the ORM's
    # bulk update by primary key, which wants every row's version.
    fix = (
        update(ARTICLES)
        .where(ARTICLES.c.id == bindparam("article_id"))
        .values(word_count=bindparam("words"), updated_at=ARTICLES.c.updated_at)
    )
    wrong, last_id = 0, 0
    while True:
        batch = session.execute(
            select(Article.id, Article.body, Article.word_count)
            .where(Article.id > last_id)
            .order_by(Article.id)
            .limit(_WORDS_BATCH)
        ).all()
        if not batch:
            return wrong
        fixes = [
            {"article_id": article_id, "words": words}
            for article_id, body, stored in batch
            if (words := count_words(body)) != stored
        ]
        if fixes:
            session.execute(fix, fixes)
        wrong += len(fixes)
        last_id = batch[-1].id


def _recount_hours(session: Session) -> int:
    """Rebuild the scheduled hours from the scheduled articles; how many hours were wrong
    (rows of hours gone by are dropped and not counted)."""
    next_hour = first_hour_ahead()
    stored = dict(
        session.execute(
            select(ScheduledHour.hour, ScheduledHour.articles).where(
                ScheduledHour.hour >= next_hour
            )
        ).all()
    )
    times = session.scalars(select(Article.published_at).where(Article.published_at >= next_hour))
    truth = Counter(hour_of(t) for t in times if t is not None)
    wrong = sum(
        1 for hour in stored.keys() | truth.keys() if stored.get(hour, 0) != truth.get(hour, 0)
    )
    session.execute(delete(ScheduledHour))
    if truth:
        session.execute(
            insert(ScheduledHour), [{"hour": h, "articles": n} for h, n in sorted(truth.items())]
        )
    return wrong


def _recount_tag_hours(session: Session) -> int:
    """Rebuild the tags' scheduled hours from the tag links of scheduled articles (whose
    times were set right just before); how many (tag, hour) pairs were wrong."""
    next_hour = first_hour_ahead()
    stored = {
        (tag_id, hour): n
        for tag_id, hour, n in session.execute(
            select(TagScheduledHour.tag_id, TagScheduledHour.hour, TagScheduledHour.articles).where(
                TagScheduledHour.hour >= next_hour
            )
        )
    }
    links = session.execute(
        select(article_tags.c.tag_id, article_tags.c.published_at).where(
            article_tags.c.published_at >= next_hour
        )
    )
    truth = Counter((tag_id, hour_of(at)) for tag_id, at in links)
    wrong = sum(
        1 for key in stored.keys() | truth.keys() if stored.get(key, 0) != truth.get(key, 0)
    )
    session.execute(delete(TagScheduledHour))
    if truth:
        session.execute(
            insert(TagScheduledHour),
            [{"tag_id": t, "hour": h, "articles": n} for (t, h), n in sorted(truth.items())],
        )
    return wrong
