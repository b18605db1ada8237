"""Pages run a fixed number of SQL statements, whatever they show (the API's own check)."""

from __future__ import annotations

from tests.api.conftest import StatementLog
from tests.web.conftest import Browser


async def _count(sql: StatementLog, browser: Browser, path: str) -> int:
    sql.clear()
    response = await browser.get(path)
    assert response.status_code == 200, response.text
    return sql.count


PAGES = ["/", "/?feed=following", "/tags/shared", "/@ada", "/@ada?tab=favorites", "/dashboard"]


async def _counts(sql: StatementLog, reader: Browser, writer: Browser) -> dict[str, list[int]]:
    """Statements per page, as ``reader`` and as ``writer`` (the author)."""
    return {
        path: [await _count(sql, who, path) for who in (reader, writer)]
        for path in PAGES
        if path != "/dashboard"
    } | {"/dashboard": [await _count(sql, writer, "/dashboard")]}


async def test_lists_cost_the_same_for_one_article_and_a_full_page(
    browser: Browser, other_browser: Browser, sql: StatementLog
) -> None:
    await browser.sign_up("ada")
    await other_browser.sign_up("bob")
    await other_browser.post("/@ada/follow")
    first = await browser.write("Article 0", tagList="shared t0")
    await other_browser.post(f"/article/{first}/favorite")
    one = await _counts(sql, other_browser, browser)
    for i in range(1, 12):
        slug = await browser.write(f"Article {i}", tagList=f"shared t{i} u{i}")
        await other_browser.post(f"/article/{slug}/favorite")
    await browser.write("A draft", action="draft")
    full = await _counts(sql, other_browser, browser)
    assert one == full
    # viewer, page (total beside it), popular tags (the tags released most, then any
    # others that could still be in the top)
    assert full["/"] == [4, 4]


async def test_article_page_costs_the_same_for_no_comments_and_many(
    browser: Browser, other_browser: Browser, sql: StatementLog
) -> None:
    await browser.sign_up("ada")
    await other_browser.sign_up("bob")
    bare = await browser.write("Bare", tagList="one")
    busy = await browser.write("Busy", tagList=" ".join(f"tag{i}" for i in range(20)))
    for i in range(30):
        await other_browser.post(f"/article/{busy}/comments", {"body": f"Comment {i}"})
    for who in (browser, other_browser):
        assert await _count(sql, who, f"/article/{bare}") == await _count(
            sql, who, f"/article/{busy}"
        )
    # viewer, the article with its flags, its comments (with the article's visibility)
    assert await _count(sql, other_browser, f"/article/{busy}") == 3


async def test_editor_and_delete_pages_are_few_statements(
    browser: Browser, sql: StatementLog
) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Editable", tagList=" ".join(f"tag{i}" for i in range(20)))
    assert await _count(sql, browser, f"/editor/{slug}") == 3
    assert await _count(sql, browser, f"/editor/{slug}/delete") == 3
    assert await _count(sql, browser, "/editor") == 1
