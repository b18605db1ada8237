"""Articles: create, read, list and filter, update, delete, favorite."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pressroom.articles.schemas import ArticleResponse, ArticlesResponse
from pressroom.comments.schemas import CommentsResponse
from pressroom.tags.endpoints import TagCountsResponse, TagsResponse
from tests.api.conftest import Account

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def create(
    client: httpx.AsyncClient, who: Account, title: str = "How to train your dragon", **extra: Any
) -> dict[str, Any]:
    article = {"title": title, "description": "Ever wonder how?", "body": "You have to believe"}
    article.update(extra)
    response = await client.post("/api/articles", headers=who.auth, json={"article": article})
    assert response.status_code == 201, response.text
    return response.json()["article"]  # type: ignore[no-any-return]


async def test_a_tag_typed_with_a_combining_accent_is_the_same_tag(
    client: httpx.AsyncClient, alice: Account
) -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"  # both read "café"
    first = await create(client, alice, title="one", tagList=[decomposed])
    second = await create(client, alice, title="two", tagList=[composed, decomposed])

    assert first["tagList"] == second["tagList"] == [composed]
    tags = (await client.get("/api/tags")).json()["tags"]
    assert tags.count(composed) == 1
    assert decomposed not in tags
    listed = (await client.get("/api/articles", params={"tag": composed})).json()
    assert {a["title"] for a in listed["articles"]} == {"one", "two"}


@pytest.mark.parametrize("name", [".", "..", "..."])
async def test_a_tag_of_dots_alone_is_422(
    client: httpx.AsyncClient, alice: Account, name: str
) -> None:
    # Its page, /tags/{name}, would be read by browsers as a folder, not as the tag.
    article = {"title": "t", "description": "d", "body": "b", "tagList": ["fine", name]}
    response = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert response.status_code == 422
    assert response.json() == {"errors": {"tagList": ["cannot be only dots"]}}


async def test_create_answers_201_with_the_whole_article(
    client: httpx.AsyncClient, alice: Account
) -> None:
    article = await create(client, alice, tagList=["training", "dragons", "dragons"])
    assert article["slug"] == "how-to-train-your-dragon"
    assert article["tagList"] == ["dragons", "training"]
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"] == {
        "username": alice.username,
        "bio": None,
        "image": None,
        "following": False,
    }
    assert ISO_MS.match(article["createdAt"])
    assert article["createdAt"] == article["updatedAt"]
    assert article["publishedAt"] == article["createdAt"]  # published as it was created
    assert article["body"] == "You have to believe"


async def test_reads_give_identical_timestamps(client: httpx.AsyncClient, alice: Account) -> None:
    created = await create(client, alice)
    one = (await client.get(f"/api/articles/{created['slug']}")).json()["article"]
    listed = (await client.get("/api/articles")).json()["articles"][0]
    assert created["createdAt"] == one["createdAt"] == listed["createdAt"]
    assert created["updatedAt"] == one["updatedAt"] == listed["updatedAt"]


async def test_duplicate_titles_get_distinct_slugs(
    client: httpx.AsyncClient, alice: Account
) -> None:
    first = await create(client, alice, title="Same title")
    second = await create(client, alice, title="Same title")
    assert first["slug"] != second["slug"]
    assert second["slug"].startswith("same-title-")


async def test_an_article_titled_feed_is_reachable(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    """/api/articles/feed is the reader's feed: no article gets "feed" as its slug."""
    created = await create(client, alice, title="Feed")
    slug = created["slug"]
    assert slug != "feed"
    assert slug.startswith("feed-")
    read = await client.get(f"/api/articles/{slug}")
    assert read.status_code == 200
    assert read.json()["article"]["title"] == "Feed"
    liked = await client.post(f"/api/articles/{slug}/favorite", headers=bob.auth)
    assert liked.status_code == 200
    said = await client.post(
        f"/api/articles/{slug}/comments", headers=bob.auth, json={"comment": {"body": "hi"}}
    )
    assert said.status_code == 201

    other = await create(client, alice, title="Not yet")
    retitled = await client.put(
        f"/api/articles/{other['slug']}", headers=alice.auth, json={"article": {"title": "FEED"}}
    )
    assert retitled.json()["article"]["slug"] not in ("feed", slug)


@pytest.mark.parametrize("field", ["title", "description", "body"])
async def test_blank_fields_are_422(client: httpx.AsyncClient, alice: Account, field: str) -> None:
    article = {"title": "t", "description": "d", "body": "b", "tagList": []}
    article[field] = ""
    response = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert response.status_code == 422
    assert response.json() == {"errors": {field: ["can't be blank"]}}


async def test_create_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/articles", json={"article": {"title": "t", "description": "d", "body": "b"}}
    )
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["is missing"]}}


async def test_list_is_newest_first_without_bodies(
    client: httpx.AsyncClient, alice: Account
) -> None:
    for n in range(3):
        await create(client, alice, title=f"Article {n}")
    listing = (await client.get("/api/articles")).json()
    assert listing["articlesCount"] == 3
    assert [a["title"] for a in listing["articles"]] == ["Article 2", "Article 1", "Article 0"]
    assert all("body" not in a for a in listing["articles"])


async def test_limit_and_offset_keep_the_total(client: httpx.AsyncClient, alice: Account) -> None:
    for n in range(5):
        await create(client, alice, title=f"Paged {n}")
    page = (await client.get("/api/articles?limit=2&offset=2")).json()
    assert page["articlesCount"] == 5
    assert [a["title"] for a in page["articles"]] == ["Paged 2", "Paged 1"]


async def test_filters(client: httpx.AsyncClient, alice: Account, bob: Account) -> None:
    dragons = await create(client, alice, title="Dragons", tagList=["dragons"])
    await create(client, bob, title="Cats", tagList=["cats"])
    await client.post(f"/api/articles/{dragons['slug']}/favorite", headers=bob.auth)

    def titles(response: httpx.Response) -> list[str]:
        return [a["title"] for a in response.json()["articles"]]

    assert titles(await client.get("/api/articles?tag=dragons")) == ["Dragons"]
    assert titles(await client.get(f"/api/articles?author={bob.username}")) == ["Cats"]
    assert titles(await client.get(f"/api/articles?favorited={bob.username}")) == ["Dragons"]
    assert titles(await client.get("/api/articles?tag=cats&author=" + alice.username)) == []
    unknown = await client.get("/api/articles?author=nobody-at-all")
    assert unknown.json() == {"articles": [], "articlesCount": 0, "nextCursor": None}


async def test_viewer_flags(client: httpx.AsyncClient, alice: Account, bob: Account) -> None:
    article = await create(client, alice)
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    favorited = await client.post(f"/api/articles/{article['slug']}/favorite", headers=bob.auth)
    body = favorited.json()["article"]
    assert (body["favorited"], body["favoritesCount"]) == (True, 1)
    assert body["author"]["following"] is True

    as_bob = (await client.get("/api/articles", headers=bob.auth)).json()["articles"][0]
    assert (as_bob["favorited"], as_bob["author"]["following"]) == (True, True)
    anonymous = (await client.get("/api/articles")).json()["articles"][0]
    assert (anonymous["favorited"], anonymous["favoritesCount"]) == (False, 1)
    assert anonymous["author"]["following"] is False

    twice = await client.post(f"/api/articles/{article['slug']}/favorite", headers=bob.auth)
    assert twice.json()["article"]["favoritesCount"] == 1
    undone = await client.delete(f"/api/articles/{article['slug']}/favorite", headers=bob.auth)
    assert (undone.json()["article"]["favorited"], undone.json()["article"]["favoritesCount"]) == (
        False,
        0,
    )


async def test_feed(client: httpx.AsyncClient, alice: Account, bob: Account) -> None:
    await create(client, alice, title="Followed")
    await create(client, bob, title="Own")
    assert (await client.get("/api/articles/feed", headers=bob.auth)).json()["articlesCount"] == 0
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    feed = (await client.get("/api/articles/feed", headers=bob.auth)).json()
    assert [a["title"] for a in feed["articles"]] == ["Followed"]
    assert (await client.get("/api/articles/feed")).status_code == 401


async def test_update(client: httpx.AsyncClient, alice: Account) -> None:
    article = await create(client, alice, tagList=["old"])
    response = await client.put(
        f"/api/articles/{article['slug']}",
        headers=alice.auth,
        json={"article": {"body": "With two hands", "tagList": ["new", "alpha"]}},
    )
    assert response.status_code == 200
    updated = response.json()["article"]
    assert updated["body"] == "With two hands"
    assert updated["tagList"] == ["alpha", "new"]
    assert updated["slug"] == article["slug"]
    assert updated["updatedAt"] > article["updatedAt"]
    assert updated["createdAt"] == article["createdAt"]


async def test_update_title_changes_the_slug(client: httpx.AsyncClient, alice: Account) -> None:
    article = await create(client, alice, title="First name")
    response = await client.put(
        f"/api/articles/{article['slug']}",
        headers=alice.auth,
        json={"article": {"title": "Second name"}},
    )
    assert response.json()["article"]["slug"] == "second-name"
    assert (await client.get("/api/articles/second-name")).status_code == 200


async def test_a_title_that_reads_the_same_keeps_its_slug(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await create(client, alice, title="Case only")
    suffixed = await create(client, alice, title="Case only")
    assert suffixed["slug"].startswith("case-only-")
    response = await client.put(
        f"/api/articles/{suffixed['slug']}",
        headers=alice.auth,
        json={"article": {"title": "CASE ONLY!"}},
    )
    assert response.json()["article"]["slug"] == suffixed["slug"]


async def test_errors_come_in_order_401_404_403(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    article = await create(client, alice)
    slug = article["slug"]
    change = {"article": {"body": "hijacked"}}
    assert (await client.put(f"/api/articles/{slug}", json=change)).status_code == 401
    assert (await client.put("/api/articles/nope-nope", json=change)).status_code == 401
    missing = await client.put("/api/articles/nope-nope", json=change, headers=bob.auth)
    assert missing.status_code == 404
    assert missing.json() == {"errors": {"article": ["not found"]}}
    forbidden = await client.put(f"/api/articles/{slug}", json=change, headers=bob.auth)
    assert forbidden.status_code == 403
    assert forbidden.json() == {"errors": {"article": ["forbidden"]}}
    assert (await client.delete(f"/api/articles/{slug}", headers=bob.auth)).status_code == 403
    kept = await client.get(f"/api/articles/{slug}")
    assert kept.json()["article"]["body"] == "You have to believe"


async def test_delete(client: httpx.AsyncClient, alice: Account) -> None:
    article = await create(client, alice)
    response = await client.delete(f"/api/articles/{article['slug']}", headers=alice.auth)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/api/articles/{article['slug']}")).status_code == 404


async def test_tags_lists_tags_in_use(client: httpx.AsyncClient, alice: Account) -> None:
    await create(client, alice, title="one", tagList=["common", "rare"])
    await create(client, alice, title="two", tagList=["common"])
    tags = (await client.get("/api/tags")).json()["tags"]
    assert tags == ["common", "rare"]


@pytest.mark.parametrize(
    "query",
    ["limit=abc", "offset=-1", "limit=-5", "limit=0", "limit=1000", "offset=1.5"],
)
async def test_bad_paging_is_422(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/api/articles?{query}")
    assert response.status_code == 422
    assert set(response.json()) == {"errors"}


AT_LEAST = "input should be greater than or equal to {}"
AT_MOST = "input should be less than or equal to {}"
NOT_AN_INTEGER = "input should be a valid integer, unable to parse string as an integer"


TOO_LONG = "is too long (maximum is {} characters)"
# Every article list pages the same way.
BAD_PAGES = [
    ("limit=0", "limit", AT_LEAST.format(1)),
    ("limit=101", "limit", AT_MOST.format(100)),
    ("limit=", "limit", NOT_AN_INTEGER),
    ("offset=-1", "offset", AT_LEAST.format(0)),
    ("offset=2147483648", "offset", AT_MOST.format(2**31 - 1)),
    ("limit=5&offset=x", "offset", NOT_AN_INTEGER),
    ("cursor=" + "a" * 201, "cursor", TOO_LONG.format(200)),
]
BAD_FILTERS = [
    ("/api/articles", "tag=" + "t" * 256, "tag", TOO_LONG.format(255)),
    ("/api/articles", "author=" + "a" * 256, "author", TOO_LONG.format(255)),
    ("/api/articles", "favorited=" + "f" * 256, "favorited", TOO_LONG.format(255)),
    ("/api/articles", "q=" + "q" * 201, "q", TOO_LONG.format(200)),
    (
        "/api/user/articles",
        "status=gone",
        "status",
        "input should be 'draft', 'scheduled' or 'published'",
    ),
]


@pytest.mark.parametrize(
    ("path", "query", "field", "message"),
    [
        (path, *bad)
        for path in ("/api/articles", "/api/articles/feed", "/api/user/articles")
        for bad in BAD_PAGES
    ]
    + BAD_FILTERS,
)
async def test_every_article_list_names_the_bad_parameter(
    client: httpx.AsyncClient, alice: Account, path: str, query: str, field: str, message: str
) -> None:
    response = await client.get(f"{path}?{query}", headers=alice.auth)
    assert response.status_code == 422
    assert response.json() == {"errors": {field: [message]}}


async def test_list_parameters_that_are_not_sent_keep_their_defaults(
    client: httpx.AsyncClient, alice: Account
) -> None:
    for number in range(21):
        await create(client, alice, title=f"number {number}")
    everything = (await client.get("/api/articles")).json()
    assert len(everything["articles"]) == 20  # the spec's default page
    assert everything["articlesCount"] == 21
    mine = (await client.get("/api/user/articles?limit=3&offset=20", headers=alice.auth)).json()
    assert [article["title"] for article in mine["articles"]] == ["number 0"]


async def test_sql_metacharacters_are_just_text(client: httpx.AsyncClient, alice: Account) -> None:
    await create(client, alice, title="Robert'); DROP TABLE articles;--", tagList=["' OR 1=1 --"])
    for query in ["tag=' OR 1=1 --", "author=x' OR '1'='1", "favorited=%25"]:
        response = await client.get(f"/api/articles?{query}")
        assert response.status_code == 200
    tagged = (await client.get("/api/articles", params={"tag": "' OR 1=1 --"})).json()
    assert tagged["articlesCount"] == 1
    assert (await client.get("/api/articles")).json()["articlesCount"] == 1


async def test_content_type_json_on_a_bodiless_request(
    client: httpx.AsyncClient, alice: Account
) -> None:
    article = await create(client, alice)
    headers = {**alice.auth, "Content-Type": "application/json"}
    for method, path in [
        ("GET", "/api/articles"),
        ("POST", f"/api/articles/{article['slug']}/favorite"),
        ("DELETE", f"/api/articles/{article['slug']}/favorite"),
        ("DELETE", f"/api/articles/{article['slug']}"),
    ]:
        response = await client.request(method, path, headers=headers)
        assert response.status_code < 300, (method, path, response.text)


async def test_a_list_entry_says_what_the_article_itself_says(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    """Lists are built from rows, single reads from objects: both must agree, field by field."""
    article = await create(client, alice, tagList=["zeta", "alpha", "mu"])
    await create(client, alice, title="Another", tagList=[])
    await client.post(f"/api/articles/{article['slug']}/favorite", headers=bob.auth)
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    for headers in ({}, bob.auth, alice.auth):
        single = (await client.get(f"/api/articles/{article['slug']}", headers=headers)).json()
        listed = (await client.get("/api/articles", headers=headers)).json()["articles"]
        entry = next(a for a in listed if a["slug"] == article["slug"])
        expected = {k: v for k, v in single["article"].items() if k not in ("body", "bodyHtml")}
        assert entry == expected
        assert next(a for a in listed if a["title"] == "Another")["tagList"] == []


async def test_bodies_built_from_rows_match_their_response_models(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    """Bodies built as dicts skip the response model: hold them to it here."""
    article = await create(client, alice, tagList=["b", "a"])
    await client.post(
        f"/api/articles/{article['slug']}/comments",
        headers=bob.auth,
        json={"comment": {"body": "hello"}},
    )
    await client.post(f"/api/articles/{article['slug']}/favorite", headers=bob.auth)
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    checks = [
        (ArticlesResponse, "/api/articles"),
        (ArticlesResponse, "/api/articles/feed"),
        (ArticlesResponse, "/api/user/articles"),
        (ArticleResponse, f"/api/articles/{article['slug']}"),
        (CommentsResponse, f"/api/articles/{article['slug']}/comments"),
        (TagsResponse, "/api/tags"),
        (TagCountsResponse, "/api/tags?withCounts=true"),
    ]
    for model, path in checks:
        response = await client.get(path, headers=bob.auth)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        # Same fields, same types: nothing missing, nothing extra, nothing coerced.
        assert model.model_validate(body).model_dump(mode="json") == body, path
