"""The scenarios' requests, handed to wrk as Lua data files, and wrk's figures read back."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from stack import HERE, HarnessError

SCRIPTS = HERE / "scenarios"
PAGE_SIZE = 10
SAFE = " -_./?=&%:"  # written as they are in Lua strings; anything else is escaped


@dataclass(frozen=True)
class Publication:
    """What an anonymous reader can see, read from pressroom itself."""

    count: int
    slugs: list[str]
    authors: list[str]  # each article's author, in the order of ``slugs``


def read_publication(base: str) -> Publication:
    """Every published article's slug and author, paging through the list by 100."""
    slugs, authors, count, offset = [], [], 0, 0
    with httpx.Client(base_url=base, timeout=30) as client:
        while True:
            page = client.get("/api/articles", params={"limit": 100, "offset": offset})
            page.raise_for_status()
            body = page.json()
            count = body["articlesCount"]
            for article in body["articles"]:
                slugs.append(article["slug"])
                authors.append(article["author"]["username"])
            offset += 100
            if offset >= count or not body["articles"]:
                break
    if not slugs:
        raise HarnessError("the seeded publication has no published article")
    return Publication(count, slugs, authors)


def s1_paths(publication: Publication) -> list[str]:
    """Every page of the article list, ten at a time, by offset."""
    offsets = range(0, publication.count, PAGE_SIZE)
    return [f"/api/articles?limit={PAGE_SIZE}&offset={offset}" for offset in offsets]


def s2_paths(publication: Publication) -> list[str]:
    """The tags, then each article, its comments and its author's profile."""
    paths = ["/api/tags"]
    for slug, author in zip(publication.slugs, publication.authors, strict=True):
        slug_path = f"/api/articles/{quote(slug, safe='')}"
        paths += [slug_path, f"{slug_path}/comments", f"/api/profiles/{quote(author, safe='')}"]
    return paths


def log_in(base: str, accounts: list[tuple[str, str]], password: str) -> list[dict[str, str]]:
    """A token for each (e-mail, username), from ``POST /api/users/login``."""
    users = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for email, username in accounts:
            answer = client.post(
                "/api/users/login", json={"user": {"email": email, "password": password}}
            )
            if answer.status_code != 200:
                raise HarnessError(f"login as {email} answered {answer.status_code}")
            token = answer.json()["user"]["token"]
            users.append({"token": token, "username": username, "quoted": quote(username)})
    return users


def _lua(value: object) -> str:
    """A Lua literal for strings, numbers, lists and string-keyed tables."""
    if isinstance(value, str):
        return '"' + "".join(_character(c) for c in value) + '"'
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "{" + ",\n".join(_lua(item) for item in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {_lua(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no Lua literal for {value!r}")


def _character(character: str) -> str:
    if character.isascii() and (character.isalnum() or character in SAFE):
        return character
    # Lua's decimal escapes; three digits, so a digit that follows is not taken in.
    return "".join(f"\\{byte:03d}" for byte in character.encode())


def write_data(folder: Path, name: str, data: dict[str, object]) -> Path:
    """A Lua file returning ``data``, for a scenario script to load in ``init``."""
    path = folder / f"{name}.lua"
    path.write_text("return " + _lua(data) + "\n")
    return path


@dataclass(frozen=True)
class Window:
    requests: int
    seconds: float
    non2xx: int
    statuses: dict[str, int]
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(
    base: str,
    script: str,
    data: Path,
    *,
    seconds: float,
    connections: int,
    threads: int,
) -> Window:
    """Drive ``base`` for ``seconds`` with a scenario script; its done() prints the figures."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        script,
        base,
        "--",
        str(data),
    ]
    done = subprocess.run(
        command, cwd=SCRIPTS, capture_output=True, text=True, timeout=seconds + 60
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if done.returncode != 0 or not lines:
        raise HarnessError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    figures = json.loads(lines[-1].removeprefix("BENCH_JSON "))
    return Window(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non2xx=figures["non2xx"],
        statuses=figures["statuses"],
        socket_errors=figures["socket_errors"] + figures["timeouts"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
    )
