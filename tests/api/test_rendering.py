"""Markdown bodies come back as sanitized HTML on single reads, with a reading time."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

from pressroom.articles.rendering import RenderedBodies, reading_time_minutes, render_markdown
from pressroom.kit.words import count_words
from tests.api.conftest import Account
from tests.api.test_articles import create

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)">',
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class _Elements(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injections_are_inert(payload: str) -> None:
    parsed = _Elements()
    parsed.feed(render_markdown(f"Before\n\n{payload}\n\nAfter"))
    assert not {"script", "iframe", "svg", "object", "embed", "style"} & set(parsed.tags)
    assert not [name for name, _ in parsed.attributes if name.startswith("on") or name == "style"]
    assert not [value for _, value in parsed.attributes if "javascript:" in value.lower()]


def test_the_check_itself_sees_a_live_payload() -> None:
    parsed = _Elements()
    parsed.feed('<img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a>')
    assert ("onerror", "alert(1)") in parsed.attributes
    assert ("href", "javascript:alert(1)") in parsed.attributes


def test_markdown_features() -> None:
    html = render_markdown(
        "# Title\n\n**bold** and ~~gone~~\n\n|a|b|\n|-|-|\n|1|2|\n\n[ok](https://x.example)"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<s>gone</s>" in html or "<del>gone</del>" in html
    assert "<table>" in html
    assert 'href="https://x.example"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (230, 1), (231, 2), (2300, 10)])
def test_reading_time(words: int, minutes: int) -> None:
    assert reading_time_minutes(count_words("word " * words)) == minutes


async def test_single_reads_carry_body_html_and_lists_do_not(
    client: httpx.AsyncClient, alice: Account
) -> None:
    body = "# Dragons\n\n" + "word " * 500 + "\n\n<script>alert(1)</script>"
    created = await create(client, alice, body=body)
    assert created["bodyHtml"].startswith("<h1>Dragons</h1>")
    assert "<script>" not in created["bodyHtml"]
    assert created["readingTimeMinutes"] == 3
    one = (await client.get(f"/api/articles/{created['slug']}")).json()["article"]
    assert one["bodyHtml"] == created["bodyHtml"]
    assert one["body"] == body
    listed = (await client.get("/api/articles")).json()["articles"][0]
    assert "bodyHtml" not in listed
    assert "body" not in listed
    assert listed["readingTimeMinutes"] == 3
    # An edit of the body moves the reading time of the lists with it.
    edited = await client.put(
        f"/api/articles/{created['slug']}",
        headers=alice.auth,
        json={"article": {"body": "word " * 1000}},
    )
    assert edited.json()["article"]["readingTimeMinutes"] == 5
    listed = (await client.get("/api/articles")).json()["articles"][0]
    assert listed["readingTimeMinutes"] == 5


def test_rendered_bodies_stay_within_their_budget_and_forget_the_oldest() -> None:
    cache = RenderedBodies(budget=100)
    cache.put("a" * 20, "<p>" + "a" * 20 + "</p>")  # 47 characters
    cache.put("b" * 20, "<p>" + "b" * 20 + "</p>")  # 94 in all
    assert cache.get("a" * 20) is not None  # now the most recent
    cache.put("c" * 20, "<p>" + "c" * 20 + "</p>")  # over budget: b goes, not a
    assert cache.get("b" * 20) is None
    assert cache.get("a" * 20) == "<p>" + "a" * 20 + "</p>"
    assert cache.get("c" * 20) is not None
    cache.put("x" * 200, "too big to keep")
    assert cache.get("x" * 200) is None


async def test_an_edited_body_is_rendered_afresh(client: httpx.AsyncClient, alice: Account) -> None:
    article = await create(client, alice, body="# First")
    read = (await client.get(f"/api/articles/{article['slug']}")).json()["article"]
    assert "<h1>First</h1>" in read["bodyHtml"]
    await client.put(
        f"/api/articles/{article['slug']}",
        json={"article": {"body": "# Second"}},
        headers=alice.auth,
    )
    read = (await client.get(f"/api/articles/{article['slug']}")).json()["article"]
    assert "<h1>Second</h1>" in read["bodyHtml"]
    assert "First" not in read["bodyHtml"]
