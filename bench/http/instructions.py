"""Instructions per request: the S1 and S2 reads, and S3's signed-in reads (S3R) and
writes (S3W), counted by callgrind, not timed.

On a shared machine the CPU time of the same request moves by tens of percent from one
minute to the next; the number of instructions it executes does not (two runs of the same
code agree within about half a percent). So this is the figure to compare two versions of
the code by, a change at a time.

It seeds a throwaway PostgreSQL database with the standard data set, then, for each
scenario, runs a process under ``valgrind --tool=callgrind`` that builds the app as a
worker does, sends every request of the scenario through it twice in-process (warm-up:
caches filled, statements prepared), and counts only the third pass: instrumentation is
switched on and off around it with ``callgrind_control``. PostgreSQL runs outside
valgrind; only the app's process is counted.

    .venv/bin/python bench/http/instructions.py
    .venv/bin/python bench/http/instructions.py --compare /tmp/older/src   # another checkout

``--compare`` runs the same requests against another copy of the package (a ``src``
folder, put first on ``PYTHONPATH``), e.g. ``git worktree add /tmp/older HEAD~3``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import load
import stack
from layers import call, get, request
from stack import HarnessError

SCENARIOS = ("S1", "S2", "S3R", "S3W")
SIGNED_IN = 20  # S3R and S3W: the first users of the seed, each reading or writing as in S3
DATABASE_NAME = "pressroom_bench_instructions"
Read = tuple[str, str | None]  # a path, and the token it is sent with (None: anonymous)
Pass = Callable[[], Awaitable[int]]  # sends a scenario's requests once; how many it sent
# The bodies S3 writes (scenarios/mix.lua).
NEW_COMMENT = {"comment": {"body": "A comment written under load."}}
NEW_ARTICLE = {
    "article": {
        "title": "A benchmark article",
        "description": "Written under load",
        "body": "Some *Markdown* words.\n\nA second paragraph with a [link](https://example.org).",
        "tagList": ["benchmark"],
        "status": "draft",
    }
}


async def _publication(app: Callable[..., Awaitable[None]]) -> load.Publication:
    """Every published article's slug and author, as ``load.read_publication`` reads them."""
    slugs, authors, offset = [], [], 0
    while True:
        status, body = await get(app, f"/api/articles?limit=100&offset={offset}")
        if status != 200:
            raise HarnessError(f"the article list answered {status}")
        page = json.loads(body)
        for article in page["articles"]:
            slugs.append(article["slug"])
            authors.append(article["author"]["username"])
        offset += 100
        if offset >= page["articlesCount"] or not page["articles"]:
            return load.Publication(page["articlesCount"], slugs, authors)


async def _tokens(app: Any) -> list[str]:
    """A token for each of the first ``SIGNED_IN`` users of the seed."""
    from sqlalchemy import select

    from pressroom.models import User

    async with app.state.sessions.read() as session:
        statement = (
            select(User.id, User.password_hash, User.token_generation)
            .order_by(User.id)
            .limit(SIGNED_IN)
        )
        users = (await session.execute(statement)).all()
    return [app.state.tokens.issue(*user) for user in users]


def _reads(app: Any, requests: list[Read]) -> Pass:
    async def send_all() -> int:
        for path, token in requests:
            if await call(app, path, token) != 200:
                raise HarnessError(f"{path} did not answer 200")
        return len(requests)

    return send_all


def _signed_in_reads(publication: load.Publication, tokens: list[str]) -> list[Read]:
    """S3's reads, each by one of the signed-in users: the feed, a page of the list, an
    article, its comments and its author's profile."""
    requests = []
    for turn, token in enumerate(tokens):
        slug = publication.slugs[turn % len(publication.slugs)]
        author = publication.authors[turn % len(publication.authors)]
        paths = ["/api/articles/feed?limit=10", f"/api/articles?limit=10&offset={10 * turn}"]
        paths += [f"/api/articles/{slug}", f"/api/articles/{slug}/comments"]
        paths.append(f"/api/profiles/{author}")
        requests += [(path, token) for path in paths]
    return requests


def _writes(app: Any, publication: load.Publication, tokens: list[str]) -> Pass:
    """S3's writes, by each of the signed-in users in turn, with the bodies S3 sends:
    favorite an article and take it back, comment on it, write a draft and publish it."""

    async def send(method: str, path: str, token: str, payload: object, expected: int) -> bytes:
        status, body = await request(app, method, path, token, payload)
        if status != expected:
            raise HarnessError(f"{method} {path} answered {status}, not {expected}")
        return body

    async def send_all() -> int:
        for turn, token in enumerate(tokens):
            article = f"/api/articles/{publication.slugs[turn % len(publication.slugs)]}"
            await send("POST", f"{article}/favorite", token, None, 200)
            await send("DELETE", f"{article}/favorite", token, None, 200)
            await send("POST", f"{article}/comments", token, NEW_COMMENT, 201)
            draft = json.loads(await send("POST", "/api/articles", token, NEW_ARTICLE, 201))
            await send("POST", f"/api/articles/{draft['article']['slug']}/publish", token, {}, 200)
        return 5 * len(tokens)

    return send_all


async def _counted_pass(scenario: str) -> int:
    """In the process under callgrind: two passes to warm up, then the counted one."""
    from pressroom.app import create_served_app

    app = create_served_app()
    async with app.router.lifespan_context(app):
        publication = await _publication(app)
        one_pass: Pass
        if scenario == "S1":
            one_pass = _reads(app, [(path, None) for path in load.s1_paths(publication)])
        elif scenario == "S2":
            one_pass = _reads(app, [(path, None) for path in load.s2_paths(publication)])
        elif scenario == "S3R":
            one_pass = _reads(app, _signed_in_reads(publication, await _tokens(app)))
        else:
            one_pass = _writes(app, publication, await _tokens(app))
        for _ in range(2):
            await one_pass()
        _instrument("on")
        sent = await one_pass()
        _instrument("off")
    return sent


def _instrument(state: str) -> None:
    """Switch callgrind's counting of this process on or off. It blocks the event loop on
    purpose: nothing of the app may run, and be counted or not, while it switches."""
    command = ["callgrind_control", "-i", state, str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


def ensure_valgrind() -> None:
    if shutil.which("valgrind") and shutil.which("callgrind_control"):
        return
    print("valgrind is missing: apt-get install -y valgrind")
    command = ["apt-get", "install", "-y", "valgrind"]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if not shutil.which("valgrind"):
        raise HarnessError("could not install valgrind: run `apt-get install -y valgrind`")


def _count(scenario: str, env: dict[str, str], src: str | None, folder: Path) -> tuple[int, int]:
    """(instructions, requests) of one counted pass, in a process of its own."""
    if src is not None:
        env = env | {"PYTHONPATH": src}
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={folder}/callgrind.%p",
        sys.executable,
        __file__,
        "--child",
        scenario,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=stack.HERE)
    collected = re.search(r"Collected : ([\d,]+)", done.stderr)
    requests = re.search(r"^requests (\d+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not collected or not requests:
        raise HarnessError(f"the counted pass of {scenario} failed:\n{done.stderr[-3000:]}")
    return int(collected.group(1).replace(",", "")), int(requests.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated")
    parser.add_argument("--compare", metavar="SRC", help="another checkout's src folder")
    parser.add_argument("--child", metavar="SCENARIO", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(f"requests {asyncio.run(_counted_pass(options.child))}")
        return
    scenarios = [name.strip().upper() for name in options.scenarios.split(",")]
    if set(scenarios) - set(SCENARIOS):
        parser.error(f"scenarios are {', '.join(SCENARIOS)}")
    versions: dict[str, str | None] = {"this checkout": None}
    if options.compare:
        versions[options.compare] = str(Path(options.compare).resolve())
    try:
        ensure_valgrind()
        with stack.database(DATABASE_NAME) as url, tempfile.TemporaryDirectory() as folder:
            env = stack.pressroom_env(url)
            print(f"seeding {DATABASE_NAME} (the standard data set)")
            stack.seed(env)
            figures = {}
            for scenario in scenarios:
                for name, src in versions.items():
                    instructions, requests = _count(scenario, env, src, Path(folder))
                    figures[scenario, name] = instructions / requests
                    print(f"{scenario} {name}: {requests} requests counted")
    except HarnessError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        sys.exit(1)
    print("\ninstructions per request (callgrind), one counted pass of each scenario")
    for scenario in scenarios:
        for name in versions:
            print(f"  {scenario}  {name:<40} {figures[scenario, name]:>12,.0f}")
        if options.compare:
            ratio = figures[scenario, "this checkout"] / figures[scenario, options.compare]
            print(f"  {scenario}  this checkout / {options.compare}: {ratio:.3f}")


if __name__ == "__main__":
    main()
