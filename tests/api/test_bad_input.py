"""Bad input gets a 4xx in the error envelope and leaves stored data as it was."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pressroom.articles.schemas import BODY_MAX
from pressroom.config import Settings
from tests.api.conftest import Account
from tests.api.test_articles import create

NUL = "bad\x00value"


async def _snapshot(client: httpx.AsyncClient, who: Account) -> tuple[Any, ...]:
    articles = (await client.get("/api/articles?limit=100")).json()
    me = (await client.get("/api/user", headers=who.auth)).json()
    tags = (await client.get("/api/tags")).json()
    return articles, me["user"]["username"], me["user"]["email"], me["user"]["bio"], tags


def _assert_rejected(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert set(body) == {"errors"}
    assert all(isinstance(v, list) and v for v in body["errors"].values())


ARTICLE_FIELDS = ["title", "description", "body"]


@pytest.mark.parametrize(
    "value",
    [NUL, 12, ["list"], {"an": "object"}, True, "x" * 300_000],
    ids=["nul", "number", "list", "object", "bool", "huge"],
)
@pytest.mark.parametrize("field", ARTICLE_FIELDS)
async def test_bad_article_fields(
    client: httpx.AsyncClient, alice: Account, field: str, value: object
) -> None:
    slug = (await create(client, alice, tagList=["kept"]))["slug"]
    before = await _snapshot(client, alice)
    article = {"title": "t", "description": "d", "body": "b", field: value}
    _assert_rejected(
        await client.post("/api/articles", headers=alice.auth, json={"article": article})
    )
    _assert_rejected(
        await client.put(
            f"/api/articles/{slug}", headers=alice.auth, json={"article": {field: value}}
        )
    )
    assert await _snapshot(client, alice) == before


# White space, and characters that show nothing: zero-width space, byte order mark, soft
# hyphen, the empty braille pattern, a Hangul filler, a direction override.
@pytest.mark.parametrize(
    "blank",
    [" ", "   \n\t  ", "\u3000", "\u200b", " \ufeff\u00ad ", "\u2800", "\u3164", "\u202e"],
)
async def test_a_blank_body_is_422(client: httpx.AsyncClient, alice: Account, blank: str) -> None:
    slug = (await create(client, alice))["slug"]
    before = await _snapshot(client, alice)
    article = {"title": "t", "description": "d", "body": blank}
    attempts = [
        ("POST", "/api/articles", {"article": article}),
        ("PUT", f"/api/articles/{slug}", {"article": {"body": blank}}),
        ("POST", f"/api/articles/{slug}/comments", {"comment": {"body": blank}}),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, headers=alice.auth, json=body)
        assert response.status_code == 422, response.text
        assert response.json() == {"errors": {"body": ["can't be blank"]}}
    assert await _snapshot(client, alice) == before
    assert (await client.get(f"/api/articles/{slug}/comments")).json() == {
        "comments": [],
        "commentsCount": 0,
    }


@pytest.mark.parametrize("field", ["title", "description"])
async def test_a_title_or_description_of_invisible_characters_is_blank(
    client: httpx.AsyncClient, alice: Account, field: str
) -> None:
    before = await _snapshot(client, alice)
    article = {"title": "t", "description": "d", "body": "b", field: "\u200b\u2060"}
    response = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert response.status_code == 422
    assert response.json() == {"errors": {field: ["can't be blank"]}}
    assert await _snapshot(client, alice) == before


async def test_text_with_a_joiner_between_visible_characters_is_kept(
    client: httpx.AsyncClient, alice: Account
) -> None:
    # A family emoji is three people joined by zero-width joiners; a Persian word needs a
    # zero-width non-joiner. Neither is blank.
    family, word = (
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    )
    article = await create(client, alice, title=family, body=word, tagList=[word])
    assert (article["title"], article["body"], article["tagList"]) == (family, word, [word])


async def test_a_body_keeps_its_surrounding_white_space(
    client: httpx.AsyncClient, alice: Account
) -> None:
    body = "    indented code\n\ntext\n"
    article = await create(client, alice, body=body)
    assert article["body"] == body
    comment = await client.post(
        f"/api/articles/{article['slug']}/comments",
        headers=alice.auth,
        json={"comment": {"body": " hi "}},
    )
    assert comment.json()["comment"]["body"] == " hi "


@pytest.mark.parametrize(
    "tags",
    [
        [NUL],
        ["x" * 65],
        [1, 2],
        "not-a-list",
        [f"t{i}" for i in range(21)],
        # A tag names its page and is shown on every article it is on: nothing hidden in
        # it may make a twin of another tag, nor may it be blank to the eye.
        ["\ufeff"],
        ["py\u200bthon"],
        ["rtl\u202eoverride"],
        ["py\u200cthon"],
        ["a\nb"],
        ["tab\tbed"],
    ],
)
async def test_bad_tag_lists(client: httpx.AsyncClient, alice: Account, tags: object) -> None:
    before = await _snapshot(client, alice)
    article = {"title": "t", "description": "d", "body": "b", "tagList": tags}
    _assert_rejected(
        await client.post("/api/articles", headers=alice.auth, json={"article": article})
    )
    assert await _snapshot(client, alice) == before


async def test_the_tag_limit_counts_distinct_tags(
    client: httpx.AsyncClient, alice: Account
) -> None:
    repeated = ["a"] * 21 + [" a "] + [f"t{i}" for i in range(19)]
    article = await create(client, alice, tagList=repeated)
    assert article["tagList"] == sorted(["a", *(f"t{i}" for i in range(19))])
    one_too_many = {"title": "t", "description": "d", "body": "b", "tagList": [*repeated, "u"]}
    response = await client.post(
        "/api/articles", headers=alice.auth, json={"article": one_too_many}
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"tagList": ["is too long (maximum is 20 tags)"]}}


@pytest.mark.parametrize("field", ["username", "email", "bio", "image", "password"])
@pytest.mark.parametrize("value", [NUL, 42, "y" * 20_000], ids=["nul", "number", "huge"])
async def test_bad_user_fields(
    client: httpx.AsyncClient, alice: Account, field: str, value: object
) -> None:
    before = await _snapshot(client, alice)
    _assert_rejected(
        await client.put("/api/user", headers=alice.auth, json={"user": {field: value}})
    )
    if field in ("username", "email", "password"):
        user = {"username": "fresh", "email": "fresh@example.org", "password": "pw", field: value}
        _assert_rejected(await client.post("/api/users", json={"user": user}))
    assert await _snapshot(client, alice) == before


@pytest.mark.parametrize("value", [NUL, "z" * 30_000, 7])
async def test_bad_comments(client: httpx.AsyncClient, alice: Account, value: object) -> None:
    slug = (await create(client, alice))["slug"]
    _assert_rejected(
        await client.post(
            f"/api/articles/{slug}/comments", headers=alice.auth, json={"comment": {"body": value}}
        )
    )
    assert (await client.get(f"/api/articles/{slug}/comments")).json() == {
        "comments": [],
        "commentsCount": 0,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles?tag=bad%00tag",
        "/api/articles?author=bad%00name",
        "/api/articles?favorited=bad%00name",
        "/api/profiles/bad%00name",
        "/api/articles/bad%00slug",
        "/api/articles/bad%00slug/comments",
        "/api/articles?limit=99999999999999999999999",
        "/api/articles?offset=99999999999999999999",
        "/api/authors?offset=99999999999999999999",
        "/api/articles?tag=" + "t" * 5000,
    ],
)
async def test_bad_query_and_path_values(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code in (404, 422), response.text
    assert set(response.json()) == {"errors"}


async def test_an_id_too_large_for_the_database_is_422(
    client: httpx.AsyncClient, alice: Account
) -> None:
    slug = (await create(client, alice))["slug"]
    for comment_id in ("99999999999999999999", "-99999999999999999999"):
        response = await client.delete(
            f"/api/articles/{slug}/comments/{comment_id}", headers=alice.auth
        )
        assert response.status_code == 422, response.text
        assert list(response.json()["errors"]) == ["comment_id"]


def _cursor(key: object, item_id: object) -> str:
    raw = json.dumps([key, item_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("2026-01-01T00:00:00+00:00", 2**70),
        _cursor("2026-01-01T00:00:00+00:00", -(2**70)),
        _cursor("0001-01-01T00:00:00+14:00", 1),
        _cursor("9999-12-31T23:59:59-14:00", 1),
    ],
    ids=["huge-id", "negative-id", "before-year-1", "after-year-9999"],
)
async def test_a_cursor_out_of_range_is_invalid(
    client: httpx.AsyncClient, alice: Account, cursor: str
) -> None:
    await create(client, alice)
    for path in ("/api/articles", "/api/articles/feed", "/api/user/articles"):
        response = await client.get(f"{path}?cursor={cursor}", headers=alice.auth)
        assert response.status_code == 422, response.text
        assert response.json() == {"errors": {"cursor": ["is invalid"]}}


# In range as written, but not once in UTC, where the databases keep every time.
OUT_OF_RANGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("moment", OUT_OF_RANGE_TIMES)
async def test_a_time_out_of_range_in_utc_is_422_and_changes_nothing(
    client: httpx.AsyncClient, alice: Account, moment: str
) -> None:
    slug = (await create(client, alice, status="draft"))["slug"]
    before = await _snapshot(client, alice)
    mine_before = (await client.get("/api/user/articles", headers=alice.auth)).json()
    new = {"title": "t", "description": "d", "body": "b", "publishAt": moment}
    attempts = [
        ("POST", "/api/articles", {"article": new}, "publishAt"),
        ("PUT", f"/api/articles/{slug}", {"article": {"publishAt": moment}}, "publishAt"),
        ("POST", f"/api/articles/{slug}/publish", {"publishAt": moment}, "publishAt"),
        ("PUT", f"/api/articles/{slug}", {"article": {"updatedAt": moment}}, "updatedAt"),
    ]
    for method, path, body, field in attempts:
        response = await client.request(method, path, headers=alice.auth, json=body)
        assert response.status_code == 422, response.text
        assert response.json() == {"errors": {field: ["is out of range"]}}
    assert await _snapshot(client, alice) == before
    assert (await client.get("/api/user/articles", headers=alice.auth)).json() == mine_before


@pytest.mark.parametrize(
    "body",
    [{"article": None}, {"article": []}, {"article": "text"}, {}, {"user": {"email": "x"}}],
)
async def test_wrong_wrappers(client: httpx.AsyncClient, alice: Account, body: object) -> None:
    _assert_rejected(await client.post("/api/articles", headers=alice.auth, json=body))


async def test_unknown_fields_are_ignored(client: httpx.AsyncClient, alice: Account) -> None:
    article = {"title": "t", "description": "d", "body": "b", "slug": "chosen", "author": "x"}
    response = await client.post(
        "/api/articles", headers=alice.auth, json={"article": article, "extra": 1}
    )
    assert response.status_code == 201
    assert response.json()["article"]["slug"] == "t"


async def test_an_oversized_body_is_413_in_the_envelope_and_stores_nothing(
    client: httpx.AsyncClient, alice: Account
) -> None:
    limit = Settings.model_fields["max_body_bytes"].default
    article = {"title": "Big", "description": "d", "body": "x" * (limit + 1)}
    response = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert response.status_code == 413
    assert response.json() == {"errors": {"body": [f"is larger than {limit} bytes"]}}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"article": {"title": "Big", "description": "d", "body": "'
        for _ in range(limit // 50_000 + 1):
            yield b"x" * 50_000
        yield b'"}}'

    response = await client.post(
        "/api/articles",
        headers=alice.auth | {"Content-Type": "application/json"},
        content=chunks(),
    )
    assert response.status_code == 413
    assert set(response.json()) == {"errors"}
    assert (await client.get("/api/articles")).json()["articlesCount"] == 0


async def test_the_longest_allowed_body_still_fits(
    client: httpx.AsyncClient, alice: Account
) -> None:
    # The widest the longest body can be sent: each emoji escaped as two \\uXXXX, 12 bytes.
    article = {"title": "Long", "description": "d", "body": "\U0001f600" * BODY_MAX}
    content = json.dumps({"article": article}, ensure_ascii=True).encode()
    assert len(content) > 12 * BODY_MAX
    response = await client.post(
        "/api/articles",
        headers=alice.auth | {"Content-Type": "application/json"},
        content=content,
    )
    assert response.status_code == 201, response.text[:200]
