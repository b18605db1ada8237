"""Does pressroom stay flat at a million articles?

Seeds two PostgreSQL databases with ``pressroom seed``: the standard data set (50 users,
500 articles, 5,000 comments) and one ``--factor`` times larger in every table (a million
articles by default). Serves each with ``pressroom serve`` (one worker) and times, over
HTTP in interleaved rounds, the reads whose cost could grow with the site:

- the first page of the global list, of a tag's list and of an author's list;
- a signed-in reader's feed;
- a search;
- the site's home page (its newest articles and its most used tags);
- a deep page by cursor (page 10,000 at a million articles), against the first page.

Each must answer within 2x of its latency on the standard data set, and the deep page
within 2x of the first. Then it drives the large database with S1 (the first 500 pages by
offset) under wrk and reports the worker's peak resident memory.

    .venv/bin/python bench/http/scale.py                       # seeding takes about 30 min
    .venv/bin/python bench/http/scale.py --keep                # keep both databases
    .venv/bin/python bench/http/scale.py --reuse               # time the kept databases
    .venv/bin/python bench/http/scale.py --factor 200 --rounds 10   # 100,000 articles
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import load
import proc
import stack
from sqlalchemy import create_engine, text

from pressroom.kit.pagination import Position, encode_cursor
from pressroom.transfer.seed import SEED_PASSWORD, SeedPlan

STANDARD = "pressroom_bench_scale_standard"
LARGE = "pressroom_bench_scale_large"
PAGE = 10
LATENCY_TARGET = 2.0  # at most this many times the standard data set's latency
RSS_TARGET_MB = 150
FIRST = "global list, first page"
DEEP = "deep page by cursor"
HOME = "home page (the site's)"
MB = 1024 * 1024


def _plan(factor: int) -> list[str]:
    """The seed command's arguments for the standard data set times ``factor``."""
    defaults = SeedPlan()
    counts = {
        name: getattr(defaults, name) * factor
        for name in ("users", "articles", "comments", "tags", "follows", "favorites")
    }
    return [part for name, count in counts.items() for part in (f"--{name}", str(count))]


@dataclass(frozen=True)
class Subjects:
    """What the timed requests ask about, chosen the same way in both databases."""

    tag: str  # the most used tag
    author: str  # the author of the newest article
    reader_email: str  # a typical reader: the median number of followed authors
    title_query: str  # the newest article's title: a selective search
    broad_query: str  # two words of that title: a broad one, in a generated vocabulary
    deep_cursor: str | None  # where page ``deep_page`` starts, if the list is that long


def _subjects(url: str, deep_page: int) -> Subjects:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    published = "published_at IS NOT NULL AND published_at <= now()"
    try:
        with engine.connect() as connection:
            tag = connection.execute(
                text("SELECT name FROM tags ORDER BY released_articles DESC, name LIMIT 1")
            ).scalar_one()
            author, title = connection.execute(
                text(
                    "SELECT u.username, a.title FROM articles a JOIN users u ON u.id = a.author_id"
                    f" WHERE {published} ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
                )
            ).one()
            readers = (
                connection.execute(
                    text(
                        "SELECT u.email FROM users u JOIN follows f ON f.follower_id = u.id"
                        " GROUP BY u.id, u.email ORDER BY count(*), u.id"
                    )
                )
                .scalars()
                .all()
            )
            reader = readers[len(readers) // 2]
            last = connection.execute(
                text(
                    f"SELECT published_at, id FROM articles WHERE {published}"
                    " ORDER BY published_at DESC, id DESC OFFSET :skip LIMIT 1"
                ),
                {"skip": (deep_page - 1) * PAGE - 1},
            ).first()
    finally:
        engine.dispose()
    words = [word for word in title.split() if len(word) > 3 and word.isalpha()][:2]
    cursor = encode_cursor(Position(last.published_at, last.id)) if last else None
    return Subjects(tag, author, reader, f'"{title}"', " ".join(words) or title, cursor)


def _requests(subjects: Subjects) -> dict[str, str]:
    requests = {
        FIRST: f"/api/articles?limit={PAGE}",
        "tag list, first page": f"/api/articles?limit={PAGE}&tag={subjects.tag}",
        "author list, first page": f"/api/articles?limit={PAGE}&author={subjects.author}",
        "feed, first page": f"/api/articles/feed?limit={PAGE}",
        "search, a title": f"/api/articles?limit={PAGE}&q={quote(subjects.title_query)}",
        "search, two common words": f"/api/articles?limit={PAGE}&q={quote(subjects.broad_query)}",
        HOME: "/",
    }
    if subjects.deep_cursor:
        requests[DEEP] = f"/api/articles?limit={PAGE}&cursor={subjects.deep_cursor}"
    return requests


def _token(client: httpx.Client, email: str) -> str:
    response = client.post(
        "/api/users/login", json={"user": {"email": email, "password": SEED_PASSWORD}}
    )
    response.raise_for_status()
    return str(response.json()["user"]["token"])


@contextmanager
def _prepared(name: str, factor: int, reuse: bool, keep: bool) -> Iterator[str]:
    if reuse and stack.database_exists(name):
        print(f"{name}: reusing the seeded database")
        yield stack.database_url(name)
        return
    with stack.database(name, keep=keep) as url:
        started = time.perf_counter()
        stack.seed(stack.pressroom_env(url), *_plan(factor))
        seconds = time.perf_counter() - started
        print(f"{name}: seeded {factor}x the standard data set in {seconds:.0f} s")
        yield url


def _time(client: httpx.Client, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    if path.startswith("/api/"):
        found = bool(response.json()["articles"])
    else:  # a page of the site: its articles' links, and the most used tags beside them
        found = 'href="/article/' in response.text and 'href="/tags/' in response.text
    if not found:
        raise stack.HarnessError(f"{path} answered no article")
    return elapsed * 1000


def _peak_rss_under_load(server: stack.Server, folder: Path, seconds: float) -> tuple[float, float]:
    """S1 over the first 500 pages for ``seconds``; the worker's peak RSS (MB) and req/s."""
    paths = [f"/api/articles?limit={PAGE}&offset={offset}" for offset in range(0, 5000, PAGE)]
    data = load.write_data(folder, "scale-s1", {"paths": paths})
    with proc.PeakMemory({"pressroom": server.pid}) as memory:
        window = load.wrk(
            server.base, "paths.lua", data, seconds=seconds, connections=16, threads=1
        )
    return memory.peak_bytes["pressroom"] / MB, window.rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=2000, help="times the standard data set")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--deep-page", type=int, default=10_000)
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases")
    parser.add_argument("--reuse", action="store_true", help="time kept databases, if any")
    options = parser.parse_args()
    stack.ensure_wrk()
    stack.OUT.mkdir(exist_ok=True)

    keep = options.keep or options.reuse
    timings: dict[str, dict[str, list[float]]] = {}
    with ExitStack() as stacked, tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        urls = {
            "standard": stacked.enter_context(_prepared(STANDARD, 1, options.reuse, keep)),
            "large": stacked.enter_context(_prepared(LARGE, options.factor, options.reuse, keep)),
        }
        for size, url in urls.items():
            subjects = _subjects(url, options.deep_page)
            print(f"{size}: {subjects}")
            requests = _requests(subjects)
            timings[size] = {name: [] for name in requests}
            with (
                stack.pressroom(stack.pressroom_env(url), workers=1) as server,
                httpx.Client(base_url=server.base, timeout=120) as client,
            ):
                signed_in = {"Authorization": f"Token {_token(client, subjects.reader_email)}"}
                for path in requests.values():  # warm up, and check every answer has rows
                    _time(client, path, signed_in)
                for _ in range(options.rounds):
                    for name, path in requests.items():
                        timings[size][name].append(_time(client, path, signed_in))
                if size == "large":
                    rss_mb, rate = _peak_rss_under_load(server, Path(folder), options.load_seconds)

    medians = {
        size: {name: statistics.median(values) for name, values in figures.items()}
        for size, figures in timings.items()
    }
    print(f"\nmedian latency over {options.rounds} rounds, one client, {PAGE} articles a page")
    header = f"{'request':<28}{'standard ms':>13}{'large ms':>11}{'ratio':>8}"
    print(f"{header}  target <= {LATENCY_TARGET:g}x")
    for name, large_ms in medians["large"].items():
        # Deep pages stay flat: page 10,000 against page 1 of the same large list.
        against = " (vs its first page)" if name == DEEP else ""
        base = medians["large"][FIRST] if name == DEEP else medians["standard"][name]
        ratio = large_ms / base
        verdict = "PASS" if ratio <= LATENCY_TARGET else "MISS"
        print(f"{name:<28}{base:>13.2f}{large_ms:>11.2f}{ratio:>8.2f}  {verdict}{against}")
    rss_verdict = "PASS" if rss_mb < RSS_TARGET_MB else "MISS"
    print(
        f"\nlarge data set under S1 load (wrk -c16, {options.load_seconds:g} s): {rate:.0f} req/s,"
        f" peak worker RSS {rss_mb:.0f} MB (target < {RSS_TARGET_MB} MB): {rss_verdict}"
    )


if __name__ == "__main__":
    main()
