"""``pressroom seed``, ``publish``, ``purge``, ``recount`` and ``stats``: the content in bulk.

On a terminal they talk in sentences, tables and progress bars. Piped, they print plain
figures (one ``name<TAB>value`` line each, or the bare count of affected rows) and stay
quiet otherwise; ``--json`` prints one JSON object either way. Exit codes: 0 done,
1 refused or declined, 2 bad input (an unknown author or tag, a bad age or date) or a
database that cannot be used.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from pressroom.articles import recounting
from pressroom.cli.context import open_database
from pressroom.cli.progress import progress
from pressroom.db.session import transaction
from pressroom.transfer import maintenance
from pressroom.transfer import stats as statistics
from pressroom.transfer.maintenance import DraftFilter, UnknownName
from pressroom.transfer.seed import SEED_PASSWORD, SeedError, SeedPlan
from pressroom.transfer.seed import seed as seed_rows

out = Console()
err = Console(stderr=True)

USAGE_ERROR = 2
REFUSED = 1


@dataclass(frozen=True)
class _Choices:
    dry_run: bool
    yes: bool
    as_json: bool


def stdin_is_terminal() -> bool:
    """Whether someone can answer a question."""
    return sys.stdin.isatty()


def fail(message: str, code: int) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def print_json(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, sort_keys=True))


def _parsed(value: str | None, parse: Callable[[str], Any], option: str) -> Any:
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise fail(f"{option}: {exc}", USAGE_ERROR) from None


def seed(
    users: Annotated[int, typer.Option(min=0, help="Users to create.")] = 50,
    articles: Annotated[int, typer.Option(min=0, help="Articles to write.")] = 500,
    comments: Annotated[int, typer.Option(min=0, help="Comments on published articles.")] = 5000,
    tags: Annotated[
        int, typer.Option(min=0, help="Distinct tags (a few common, most rare).")
    ] = 100,
    follows: Annotated[int, typer.Option(min=0, help="Follows between users.")] = 250,
    favorites: Annotated[int, typer.Option(min=0, help="Favorites of published articles.")] = 2500,
    random_seed: Annotated[int, typer.Option("--seed", help="Same seed, same rows.")] = 1,
    as_of: Annotated[
        str | None,
        typer.Option(help="Lay times out around this moment (default: today 00:00 UTC)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Fill the database with a realistic, reproducible publication.

    Seeded users log in with the password "pressroom-seed".
    About 10% of the articles are drafts and 5% scheduled; the rest were published
    over the two years before --as-of. The same --seed on a new database writes
    the same rows. On a database with data, new rows go beside it: ids continue past
    every id ever handed out, same-named tags are shared, and a taken username or slug
    gets a random suffix.
    """
    plan_values: dict[str, Any] = {
        "users": users,
        "articles": articles,
        "comments": comments,
        "tags": tags,
        "follows": follows,
        "favorites": favorites,
        "seed": random_seed,
    }
    if as_of is not None:
        plan_values["anchor"] = _parsed(as_of, maintenance.parse_moment, "--as-of")
    plan = SeedPlan(**plan_values)
    with open_database() as factory:
        try:
            with transaction(factory, writes=True) as session:
                result = seed_rows(session, plan, progress)
        except SeedError as exc:
            raise fail(str(exc), USAGE_ERROR) from None
    if as_json:
        print_json(result.counts)
    elif out.is_terminal:
        written = ", ".join(f"{count:,} {table}" for table, count in result.counts.items())
        out.print(
            f"Seeded {written}.\nLog in as any seeded user with the password {SEED_PASSWORD!r}.",
            highlight=False,
        )
    else:
        for table, count in result.counts.items():
            typer.echo(f"{table}\t{count}")


def _draft_filter(
    factory: sessionmaker[Session],
    author: str | None,
    tag: str | None,
    created_before: datetime | None = None,
    updated_before: datetime | None = None,
) -> DraftFilter:
    with transaction(factory) as session:
        try:
            return DraftFilter(
                author_id=maintenance.author_id_by_username(session, author) if author else None,
                tag_id=maintenance.tag_id_by_name(session, tag) if tag else None,
                created_before=created_before,
                updated_before=updated_before,
            )
        except UnknownName as exc:
            raise fail(str(exc), USAGE_ERROR) from None


def _confirm_and_apply(
    factory: sessionmaker[Session],
    verb: str,
    drafts: DraftFilter,
    apply: Callable[[Session, DraftFilter], int],
    options: _Choices,
) -> None:
    """Count, ask (unless told not to), then change the matching drafts in one statement.

    Nobody waits on an open transaction while the question is on screen: the count and the
    change are separate units of work, and the report gives what was actually changed.
    """
    with transaction(factory) as session:
        matching = maintenance.count_drafts(session, drafts)
    changed = 0
    if matching and not options.dry_run:
        if not options.yes:
            if not stdin_is_terminal():
                raise fail(
                    f"{verb} {matching} drafts needs confirmation and there is no terminal "
                    "to ask on: pass --yes",
                    REFUSED,
                )
            if not typer.confirm(f"{verb.capitalize()} {matching} drafts?", default=False):
                err.print("Nothing changed.")
                raise typer.Exit(REFUSED)
        with transaction(factory, writes=True) as session:
            changed = apply(session, drafts)
    _report(verb, matching, changed, options)


def _report(verb: str, matching: int, changed: int, options: _Choices) -> None:
    past = {"publish": "published", "purge": "purged"}[verb]
    if options.as_json:
        print_json({"matching": matching, past: changed, "dry_run": options.dry_run})
    elif not out.is_terminal:
        typer.echo(matching if options.dry_run else changed)
    elif options.dry_run:
        out.print(f"Would {verb} {matching} drafts (dry run: nothing changed).", highlight=False)
    else:
        out.print(f"{past.capitalize()} {changed} drafts.", highlight=False)


def publish(
    drafts: Annotated[bool, typer.Option("--drafts", help="Publish drafts (required).")] = False,
    author: Annotated[str | None, typer.Option(help="Only this author's drafts.")] = None,
    tag: Annotated[str | None, typer.Option(help="Only drafts with this tag.")] = None,
    before: Annotated[
        str | None, typer.Option(help="Only drafts created before this date (ISO, UTC).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Count, change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Publish matching drafts now, in one statement (editors of an older copy get a 409)."""
    if not drafts:
        raise fail("say what to publish: --drafts", USAGE_ERROR)
    created_before = _parsed(before, maintenance.parse_moment, "--before")
    with open_database() as factory:
        selection = _draft_filter(factory, author, tag, created_before=created_before)
        choices = _Choices(dry_run, yes, as_json)
        _confirm_and_apply(factory, "publish", selection, maintenance.publish_drafts, choices)


def purge(
    drafts_older_than: Annotated[
        str | None,
        typer.Option(help="Delete drafts last updated longer ago than this: 90d, 12h, 2w."),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Only this author's drafts.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Count, change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Delete stale drafts, with their comments, favorites and tag links, in one statement."""
    if drafts_older_than is None:
        raise fail("say which drafts to purge: --drafts-older-than 90d", USAGE_ERROR)
    cutoff = _parsed(drafts_older_than, maintenance.parse_cutoff, "--drafts-older-than")
    with open_database() as factory:
        selection = _draft_filter(factory, author, None, updated_before=cutoff)
        choices = _Choices(dry_run, yes, as_json)
        _confirm_and_apply(factory, "purge", selection, maintenance.purge_drafts, choices)


def recount(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Set the maintained counts from the rows, and say how many were wrong.

    The counts: favorites per article, published articles per tag and site-wide,
    the publication time each tag link copies, and the words of each body.
    Every write keeps them; this repairs them after rows were changed by hand.
    """
    with open_database() as factory, transaction(factory, writes=True) as session:
        fixed = recounting.recount(session)
    figures = {
        "site": fixed.site,
        "tags": fixed.tags,
        "articles": fixed.articles,
        "links": fixed.links,
        "hours": fixed.hours,
        "tag_hours": fixed.tag_hours,
        "words": fixed.words,
    }
    if as_json:
        print_json(figures)
    elif not out.is_terminal:
        typer.echo(fixed.total)
    elif fixed.total:
        out.print(
            f"Corrected {fixed.total} counts: {fixed.site} site total, {fixed.tags} tags, "
            f"{fixed.articles} articles' favorites, {fixed.links} tag links' times, "
            f"{fixed.hours} scheduled hours, {fixed.tag_hours} tags' scheduled hours, "
            f"{fixed.words} articles' word counts.",
            highlight=False,
        )
    else:
        out.print("Every count was right.", highlight=False)


def _stats_tables(figures: statistics.Stats) -> list[Table]:
    totals = Table("", "count", title="Totals")
    for name, value in vars(figures.totals).items():
        totals.add_row(name, f"{value:,}")
    authors = Table("author", "published", "favorites received", title="Top authors")
    for author in figures.top_authors:
        authors.add_row(author.username, f"{author.published:,}", f"{author.favorites_received:,}")
    tags = Table("tag", "published articles", title="Top tags")
    for tag in figures.top_tags:
        tags.add_row(tag.name, f"{tag.published:,}")
    return [totals, authors, tags]


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Counts by table and article status, the top authors and the top tags."""
    with open_database() as factory, transaction(factory) as session:
        figures = statistics.collect(session)
    if as_json:
        print_json(figures.as_dict())
    elif out.is_terminal:
        for table in _stats_tables(figures):
            out.print(table)
    else:
        for name, value in vars(figures.totals).items():
            typer.echo(f"{name}\t{value}")
        for author in figures.top_authors:
            typer.echo(
                f"author\t{author.username}\t{author.published}\t{author.favorites_received}"
            )
        for tag in figures.top_tags:
            typer.echo(f"tag\t{tag.name}\t{tag.published}")
