"""The floor: pressroom's anonymous reads with nothing but a raw asyncpg pool.

A plain ASGI callable (no framework, no ORM, no validation layer) that answers the
requests of scenarios S1 and S2 with the same JSON bodies as pressroom, each with ONE
hand-written SQL statement in which PostgreSQL writes the JSON of every object. Python
only adds what pressroom computes in Python, with pressroom's own functions: the next-page
cursor and the HTML of a body. It shows how fast the same answers can come from the same
database on the same server stack (uvicorn, uvloop, httptools), so pressroom's throughput
can be read as a share of it.

    FLOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/db \\
        .venv/bin/uvicorn floor:app --app-dir bench/http --loop uvloop --http httptools

``bodyHtml`` comes from pressroom's own function, as pressroom gets it: rendered from
Markdown once per body and then read from the same size-bounded cache
(``render_markdown_async``). ``FLOOR_BODY_HTML=render`` renders it on every read instead,
``FLOOR_BODY_HTML=startup`` renders every body once at start-up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import parse_qsl

import asyncpg

from pressroom.articles.rendering import (
    WORDS_PER_MINUTE,
    render_markdown,
    render_markdown_async,
)
from pressroom.kit.pagination import Position, encode_cursor

PAGE_DEFAULT = 20
PAGE_MAX = 100
# Where bodyHtml comes from: "cache" (pressroom's), "render" (every read), "startup".
BODY_HTML = os.environ.get("FLOOR_BODY_HTML", "cache")

# The SQL side of pressroom's formatting rules, as fragments of the statements below.
PUBLISHED = "{t}.published_at IS NOT NULL AND {t}.published_at <= now()"
# iso_ms(): milliseconds (truncated, as to_char's MS is) and a Z.
ISO_MS = """to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
STATUS = """CASE WHEN {t}.published_at IS NULL THEN 'draft'
    WHEN {t}.published_at > now() THEN 'scheduled' ELSE 'published' END"""
ANONYMOUS_PROFILE = """json_build_object(
    'username', {u}.username, 'bio', {u}.bio, 'image', {u}.image, 'following', false)"""


def _summary_fields(t: str, u: str) -> str:
    """An article in a list, as ``json_build_object`` arguments."""
    return f"""
        'slug', {t}.slug, 'title', {t}.title, 'description', {t}.description,
        'tagList', (SELECT coalesce(json_agg(tag.name ORDER BY tag.name), '[]'::json)
                    FROM article_tags link JOIN tags tag ON tag.id = link.tag_id
                    WHERE link.article_id = {t}.id),
        'createdAt', {ISO_MS.format(c=f"{t}.created_at")},
        'updatedAt', {ISO_MS.format(c=f"{t}.updated_at")},
        'favorited', false,
        'favoritesCount', (SELECT count(*) FROM favorites fav WHERE fav.article_id = {t}.id),
        'author', {ANONYMOUS_PROFILE.format(u=u)},
        'status', {STATUS.format(t=t)},
        'publishedAt', {ISO_MS.format(c=f"{t}.published_at")},
        'version', {t}.version,
        'readingTimeMinutes', greatest(1, ({t}.word_count + {WORDS_PER_MINUTE - 1})
                                          / {WORDS_PER_MINUTE})"""


# $1 limit, $2 offset: the total, then one row per article of the page (none past the end),
# and one more than the page to know whether a next one exists.
ARTICLES_PAGE = f"""
SELECT total.articles_count, page.article, page.id, page.published_at
FROM (SELECT count(*) AS articles_count FROM articles a WHERE {PUBLISHED.format(t="a")}) total
LEFT JOIN LATERAL (
    SELECT json_build_object({_summary_fields("a", "u")})::text AS article,
           a.id, a.published_at
    FROM (SELECT a.id FROM articles a WHERE {PUBLISHED.format(t="a")}
          ORDER BY a.published_at DESC, a.id DESC LIMIT $1 + 1 OFFSET $2) chosen
    JOIN articles a ON a.id = chosen.id
    JOIN users u ON u.id = a.author_id
) page ON true
ORDER BY page.published_at DESC, page.id DESC
"""

# $1 slug. The article without its HTML, which Python adds from the body.
ARTICLE = f"""
SELECT json_build_object({_summary_fields("a", "u")}, 'body', a.body)::text, a.body, a.id
FROM articles a JOIN users u ON u.id = a.author_id
WHERE a.slug = $1 AND {PUBLISHED.format(t="a")}
"""

# $1 slug. No row: the article is not visible.
COMMENTS = f"""
SELECT json_build_object(
    'comments', coalesce(listed.comments, '[]'::json),
    'commentsCount', coalesce(json_array_length(listed.comments), 0))::text
FROM articles a
LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
                'id', c.id,
                'createdAt', {ISO_MS.format(c="c.created_at")},
                'updatedAt', {ISO_MS.format(c="c.updated_at")},
                'body', c.body,
                'author', {ANONYMOUS_PROFILE.format(u="u")})
            ORDER BY c.created_at, c.id) AS comments
    FROM comments c JOIN users u ON u.id = c.author_id WHERE c.article_id = a.id
) listed ON true
WHERE a.slug = $1 AND {PUBLISHED.format(t="a")}
"""

PROFILE = f"""
SELECT json_build_object('profile', {ANONYMOUS_PROFILE.format(u="u")})::text
FROM users u WHERE u.username = $1
"""

TAGS = f"""
SELECT json_build_object(
    'tags', coalesce(json_agg(name ORDER BY uses DESC, name), '[]'::json))::text
FROM (SELECT tag.name, count(*) AS uses
      FROM tags tag
      JOIN article_tags link ON link.tag_id = tag.id
      JOIN articles a ON a.id = link.article_id
      WHERE {PUBLISHED.format(t="a")}
      GROUP BY tag.id, tag.name) used
"""

RENDERED_BODIES = f"SELECT id, body FROM articles a WHERE {PUBLISHED.format(t='a')}"

NOT_FOUND = {
    "article": b'{"errors":{"article":["not found"]}}',
    "profile": b'{"errors":{"profile":["not found"]}}',
    "route": b'{"detail":"Not Found"}',
}


class Database(Protocol):
    """How the answers reach PostgreSQL: rows are read by position."""

    async def fetch(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]: ...
    async def fetchrow(self, sql: str, *args: Any) -> Sequence[Any] | None: ...
    async def fetchval(self, sql: str, *args: Any) -> Any: ...


class Answers:
    """The answers of S1 and S2, one statement each, over any :class:`Database`."""

    def __init__(self, database: Database, html_by_id: dict[int, str] | None = None) -> None:
        self.database = database
        self.html_by_id = html_by_id

    async def articles(self, limit: int, offset: int) -> tuple[int, bytes]:
        rows = await self.database.fetch(ARTICLES_PAGE, limit, offset)
        # (articles_count, article, id, published_at); no id: the page is past the end.
        found = [row for row in rows if row[2] is not None]
        shown = found[:limit]
        cursor = None
        if len(found) > limit:
            cursor = encode_cursor(Position(shown[-1][3], shown[-1][2]))
        articles = ",".join(row[1] for row in shown)
        text = f'{{"articles":[{articles}],"articlesCount":{rows[0][0]},"nextCursor":'
        return 200, (text + json.dumps(cursor) + "}").encode()

    async def article(self, slug: str) -> tuple[int, bytes]:
        row = await self.database.fetchrow(ARTICLE, slug)
        if row is None:
            return 404, NOT_FOUND["article"]
        article, body, article_id = row
        html = self.html_by_id.get(article_id) if self.html_by_id is not None else None
        if html is None and BODY_HTML == "render":
            html = render_markdown(body)
        elif html is None:
            html = await render_markdown_async(body)
        # The object closes with "}": add the HTML as its last field.
        text = '{"article":' + article[:-1] + ',"bodyHtml":' + json.dumps(html) + "}}"
        return 200, text.encode()

    async def comments(self, slug: str) -> tuple[int, bytes]:
        found = await self.database.fetchval(COMMENTS, slug)
        return (404, NOT_FOUND["article"]) if found is None else (200, found.encode())

    async def profile(self, username: str) -> tuple[int, bytes]:
        found = await self.database.fetchval(PROFILE, username)
        return (404, NOT_FOUND["profile"]) if found is None else (200, found.encode())

    async def tags(self) -> tuple[int, bytes]:
        return 200, (await self.database.fetchval(TAGS)).encode()


async def rendered_bodies(database: Database) -> dict[int, str] | None:
    """Every body's HTML by article id with ``FLOOR_BODY_HTML=startup``; else None."""
    if BODY_HTML != "startup":
        return None
    return {row[0]: render_markdown(row[1]) for row in await database.fetch(RENDERED_BODIES)}


class Floor:
    """The ASGI application: a router over the answers, on a raw asyncpg pool."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        self.answers: Answers | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        status, body = await self._answer(scope["method"], scope["path"], scope["query_string"])
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(
                    os.environ["FLOOR_DATABASE_URL"], min_size=2, max_size=30
                )
                self.answers = Answers(self.pool, await rendered_bodies(self.pool))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _answer(self, method: str, path: str, query: bytes) -> tuple[int, bytes]:
        assert self.answers is not None
        parts = path.strip("/").split("/")
        if method != "GET" or parts[0] != "api" or len(parts) < 2:
            return 404, NOT_FOUND["route"]
        match parts[1:]:
            case ["articles"]:
                params = dict(parse_qsl(query.decode("latin-1")))
                limit = min(max(int(params.get("limit", PAGE_DEFAULT)), 1), PAGE_MAX)
                offset = max(int(params.get("offset", 0)), 0)
                return await self.answers.articles(limit, offset)
            case ["articles", slug]:
                return await self.answers.article(slug)
            case ["articles", slug, "comments"]:
                return await self.answers.comments(slug)
            case ["profiles", username]:
                return await self.answers.profile(username)
            case ["tags"]:
                return await self.answers.tags()
            case ["health"]:
                return 200, b'{"status":"ok"}'
        return 404, NOT_FOUND["route"]


app = Floor()
