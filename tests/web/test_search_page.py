"""The search page. Its writes commit for real: MariaDB indexes text only at commit."""

from __future__ import annotations

import html
import re

import httpx

from pressroom.web.reading import PAGE_SIZE
from tests.api.test_search import committed, word
from tests.web.conftest import Browser


async def _signed_up(committed: httpx.AsyncClient) -> Browser:
    """A writer on the committing app, named with the prefix its clean-up looks for."""
    browser = Browser(committed)
    prefix = committed.headers["x-test-prefix"]
    del committed.headers["x-test-prefix"]
    await browser.sign_up(f"{prefix}{word()}")
    return browser


async def test_search_page(committed: httpx.AsyncClient) -> None:
    browser = await _signed_up(committed)
    term = word()
    await browser.write(f"Locomotives {term}", body=f"Pistons and {term} boilers.")
    await browser.write("Gardening", body="Roses.")
    found = await browser.get(f"/search?q={term}")
    assert f"1 result for “{term}”" in html.unescape(found.text)
    assert f"Locomotives {term}" in found.text
    assert "Gardening" not in found.text
    assert "0 results" in (await browser.get(f"/search?q={word()}")).text
    # Search syntax is forgiving: an unclosed quote is still a search.
    unclosed = await browser.get(f'/search?q="{term}')
    assert f"Locomotives {term}" in unclosed.text
    assert (await browser.get("/search")).status_code == 200


async def test_search_results_go_on_past_the_first_page(committed: httpx.AsyncClient) -> None:
    browser = await _signed_up(committed)
    term = word()
    for i in range(PAGE_SIZE + 2):
        await browser.write(f"Signal box {i:02}", body=f"Levers and {term}.")
    first = await browser.get(f"/search?q={term}")
    assert f"/search?q={term}&amp;page=2" in first.text
    second = await browser.get(f"/search?q={term}&page=2")
    assert second.status_code == 200
    on_first, on_second = (
        set(re.findall(r"Signal box \d\d", page.text)) for page in (first, second)
    )
    assert len(on_first) == PAGE_SIZE
    assert len(on_second) == 2
    assert not on_first & on_second
    assert (await browser.get(f"/search?q={term}&page=3")).headers["location"] == (
        f"/search?q={term}&page=2"
    )


__all__ = ["committed"]
