"""Bulk transfer at scale: seed, export and import N articles; PostgreSQL's COPY as the ceiling.

Run from the repository root with the project's virtualenv (see bench/README.md):

    .venv/bin/python bench/bulk.py --articles 100000

Each step runs as its own ``pressroom`` process, timed from outside; its peak RSS comes
from ``wait4``, so it is that process's own figure, not the benchmark's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

PRESSROOM = Path(sys.executable).with_name("pressroom")
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ARTICLE_COLUMNS = "id, slug, title, description, body, author_id, published_at, created_at, "
ARTICLE_COLUMNS += "updated_at, version"
# The quiet environment of every step: no slow-query warnings for batches that are slow on purpose.
QUIET = {"PRESSROOM_LOG_LEVEL": "WARNING", "PRESSROOM_SLOW_QUERY_MS": "1000000000"}


@dataclass(frozen=True)
class Step:
    name: str
    rows: int
    seconds: float
    peak_rss_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def pressroom(database_url: str, *args: str, stdout: Path | None = None) -> tuple[float, float]:
    """Run ``pressroom ARGS`` on ``database_url``: (seconds, peak RSS in MB). Stops on failure."""
    env = os.environ | QUIET | {"PRESSROOM_DATABASE_URL": database_url}
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen([str(PRESSROOM), *args], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            sys.exit(f"pressroom {' '.join(args)} failed:\n{err.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def records_in(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for _ in stream) - 1  # the header


@contextmanager
def postgresql_databases(admin_url: str, names: list[str]) -> Iterator[list[str]]:
    """Throwaway databases beside ``admin_url``, dropped afterwards whatever happens."""
    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)

    def run(statement: str) -> None:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    for name in names:
        run(f"DROP DATABASE IF EXISTS {name} (FORCE)")
        run(f"CREATE DATABASE {name}")
    try:
        yield [admin.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        for name in names:
            run(f"DROP DATABASE IF EXISTS {name} (FORCE)")


@contextmanager
def sqlite_databases(folder: Path, names: list[str]) -> Iterator[list[str]]:
    yield [f"sqlite:///{folder / name}.db" for name in names]


def seed_export_import(url_from: str, url_to: str, articles: int, folder: Path) -> list[Step]:
    """Seed ``articles`` into one database, export it, import the file into the other."""
    for url in (url_from, url_to):
        pressroom(url, "db", "upgrade")
    users = max(100, articles // 100)
    seconds, rss = pressroom(
        url_from, "seed", "--articles", str(articles), "--users", str(users),
        "--comments", "0", "--follows", "0", "--favorites", "0", "--tags", "200",
    )  # fmt: skip
    steps = [Step("seed", articles, seconds, rss)]
    exported = folder / "export.jsonl"
    seconds, rss = pressroom(url_from, "export", "--out", str(exported))
    rows = records_in(exported)
    steps.append(Step("export", rows, seconds, rss))
    seconds, rss = pressroom(url_to, "import", str(exported), "--json")
    steps.append(Step("import", rows, seconds, rss))
    steps.append(Step(f"  of which articles ({articles:,})", articles, seconds))
    again = folder / "again.jsonl"
    pressroom(url_to, "export", "--out", str(again))
    print(f"  export -> import -> export identical: {'yes' if _same(exported, again) else 'NO'}")
    again.unlink()
    return steps


def _same(first: Path, second: Path) -> bool:
    with first.open("rb") as a, second.open("rb") as b:
        while True:
            chunk = a.read(1 << 20)
            if chunk != b.read(1 << 20):
                return False
            if not chunk:
                return True


def copy_reference(url_from: str, url_copy: str, folder: Path) -> list[Step]:
    """COPY the articles (and their tag links) out to a file and into an empty migrated schema."""
    pressroom(url_copy, "db", "upgrade")
    source = psycopg.connect(_conninfo(url_from))
    target = psycopg.connect(_conninfo(url_copy))
    steps = []
    with source, target:
        for table in ("users", "tags"):  # untimed: the foreign keys need them
            _pipe(source, target, f"COPY {table} TO STDOUT", f"COPY {table} FROM STDIN")
        articles = folder / "articles.copy"
        links = folder / "article_tags.copy"
        started = time.perf_counter()
        _copy_out(source, f"COPY (SELECT {ARTICLE_COLUMNS} FROM articles) TO STDOUT", articles)
        copied_out = time.perf_counter() - started
        steps.append(Step("COPY out articles", _count(source, "articles"), copied_out))
        started = time.perf_counter()
        _copy_in(target, f"COPY articles ({ARTICLE_COLUMNS}) FROM STDIN", articles)
        target.commit()
        in_articles = time.perf_counter() - started
        steps.append(Step("COPY in articles", _count(target, "articles"), in_articles))
        _copy_out(source, "COPY article_tags TO STDOUT", links)
        started = time.perf_counter()
        _copy_in(target, "COPY article_tags FROM STDIN", links)
        target.commit()
        both = in_articles + time.perf_counter() - started
        steps.append(Step("COPY in articles + tag links", _count(target, "articles"), both))
        articles.unlink()
        links.unlink()
    return steps


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _count(connection: psycopg.Connection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # type: ignore[arg-type]
    return int(row[0]) if row else 0


def _pipe(source: psycopg.Connection, target: psycopg.Connection, out: str, into: str) -> None:
    with source.cursor().copy(out) as reading, target.cursor().copy(into) as writing:  # type: ignore[arg-type]
        for chunk in reading:
            writing.write(chunk)
    target.commit()


def _copy_out(connection: psycopg.Connection, statement: str, path: Path) -> None:
    with path.open("wb") as file, connection.cursor().copy(statement) as copy:  # type: ignore[arg-type]
        for chunk in copy:
            file.write(chunk)


def _copy_in(connection: psycopg.Connection, statement: str, path: Path) -> None:
    with path.open("rb") as file, connection.cursor().copy(statement) as copy:  # type: ignore[arg-type]
        while chunk := file.read(1 << 20):
            copy.write(chunk)


def report(title: str, steps: list[Step]) -> None:
    print(f"\n{title}")
    print(f"  {'step':<32}{'rows':>12}{'seconds':>10}{'rows/s':>10}{'peak RSS':>12}")
    for step in steps:
        rss = f"{step.peak_rss_mb:,.0f} MB" if step.peak_rss_mb is not None else ""
        line = f"  {step.name:<32}{step.rows:>12,}{step.seconds:>10.1f}{step.rate:>10,.0f}{rss:>12}"
        print(line.rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="articles to seed")
    parser.add_argument(
        "--backend", action="append", choices=["postgresql", "sqlite"],
        help="repeat to pick several (default: both)",
    )  # fmt: skip
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("PRESSROOM_BENCH_POSTGRESQL_URL", DEFAULT_ADMIN_URL),
        help="a PostgreSQL database to connect to while creating the throwaway ones",
    )
    options = parser.parse_args()
    backends = options.backend or ["postgresql", "sqlite"]
    folder = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    try:
        for backend in backends:
            names = [f"pressroom_bench_{role}" for role in ("from", "to", "copy")]
            databases = (
                postgresql_databases(options.admin_url, names)
                if backend == "postgresql"
                else sqlite_databases(folder, names)
            )
            with databases as (url_from, url_to, url_copy):
                print(f"\n{backend}: {options.articles:,} articles")
                steps = seed_export_import(url_from, url_to, options.articles, folder)
                if backend == "postgresql":
                    steps += copy_reference(url_from, url_copy, folder)
                report(f"{backend}, {options.articles:,} articles", steps)
                _targets(steps)
            for leftover in folder.iterdir():
                leftover.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _targets(steps: list[Step]) -> None:
    by_name = {step.name.strip(): step for step in steps}
    export, imported = by_name["export"], by_name["import"]
    print(f"  export rate / import rate: {export.rate / imported.rate:.2f} (target >= 1)")
    if "COPY in articles" in by_name:
        articles = next(s for s in steps if s.name.strip().startswith("of which articles"))
        for name in ("COPY in articles + tag links", "COPY in articles"):
            ratio = articles.rate / by_name[name].rate
            print(f"  import articles/s vs {name}: {ratio:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
