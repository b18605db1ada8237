"""The whole life of an article, in a real browser: written, hidden, published, read,
discussed, liked, edited and deleted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Visit

pytestmark = pytest.mark.backend("sqlite")


def test_an_article_from_draft_to_deletion(visit: Visit) -> None:
    ada, bob = visit(), visit()

    # Ada signs up and writes a draft, with a live preview of its Markdown.
    ada.sign_up("ada")
    page = ada.go("/editor")
    page.get_by_label("Title").fill("Notes on the Analytical Engine")
    page.get_by_label("What is it about?").fill("A machine that weaves algebra")
    page.get_by_label("Article (Markdown)").fill("## The mill\n\nIt *computes*.")
    expect(page.locator("[data-preview-body] h2")).to_have_text("The mill")
    page.get_by_label("Tags").fill("engines history")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/article/notes-on-the-analytical-engine")
    draft_path = "/article/notes-on-the-analytical-engine"
    expect(page.locator(".badge-draft")).to_have_text("Draft")
    expect(page.locator(".prose em")).to_have_text("computes")

    # Bob cannot see it anywhere.
    bob.sign_up("bob")
    hidden = bob.go(draft_path)
    expect(hidden.get_by_role("heading", level=1)).to_have_text("Page not found")
    bob.go("/tags/engines")
    expect(bob.page.get_by_text("Notes on the Analytical Engine")).to_have_count(0)

    # Ada publishes it from the editor.
    page = ada.go(draft_path)
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url("**" + draft_path)
    expect(page.locator(".badge-draft")).to_have_count(0)

    # It appears on the home page, its tag page, and (once Bob follows Ada) Bob's feed.
    for path in ("/", "/tags/engines", "/tags/history"):
        bob.go(path)
        expect(bob.page.get_by_role("link", name="Notes on the Analytical Engine")).to_be_visible()
    article = bob.go(draft_path)
    article.get_by_role("button", name="Follow ada").click()
    expect(article.get_by_role("button", name="Unfollow ada")).to_be_visible()
    bob.go("/?feed=following")
    expect(bob.page.get_by_role("link", name="Notes on the Analytical Engine")).to_be_visible()

    # Bob comments and favorites; the counts follow.
    article = bob.go(draft_path)
    article.get_by_label("Add a comment").fill("Could it compose music?")
    article.get_by_role("button", name="Post comment").click()
    expect(article.locator(".comment-body")).to_have_text("Could it compose music?")
    expect(article.get_by_role("heading", name="1 comment")).to_be_visible()
    favorite = article.get_by_role("button", name=re.compile("^Favorite"))
    expect(favorite).to_contain_text("0")
    favorite.click()
    expect(article.get_by_role("button", name=re.compile("^Unfavorite"))).to_contain_text("1")
    ada.go("/@ada")
    stats = ada.page.locator(".stats")
    expect(stats).to_contain_text("Favorites received1")
    expect(stats).to_contain_text("Comments received1")
    expect(stats).to_contain_text("Followers1")

    # Ada edits the title (the address follows) and then deletes the article.
    page = ada.go(draft_path)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("The Analytical Engine, revisited")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/article/the-analytical-engine-revisited")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Analytical Engine, revisited")
    expect(page.locator(".comment-body")).to_have_text("Could it compose music?")
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    page.get_by_role("button", name="Delete for good").click()
    page.wait_for_url("**/dashboard")
    bob.go("/")
    expect(bob.page.get_by_text("The Analytical Engine, revisited")).to_have_count(0)
    assert bob.go("/article/the-analytical-engine-revisited").title().startswith("Page not found")

    assert ada.errors == bob.errors == []
    assert ada.dialogs == bob.dialogs == []


def test_form_errors_keep_what_was_typed(visit: Visit) -> None:
    ada = visit()
    ada.sign_up("carol")
    page = ada.go("/editor")
    page.get_by_label("What is it about?").fill("Kept description")
    page.get_by_label("Article (Markdown)").fill("Kept body")
    page.get_by_role("button", name="Publish now").click()
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title-error")).to_have_text("can't be blank")
    expect(page.get_by_label("What is it about?")).to_have_value("Kept description")
    expect(page.get_by_label("Article (Markdown)")).to_have_value("Kept body")


def test_every_control_has_a_label_and_focus_is_visible(visit: Visit) -> None:
    ada = visit()
    ada.sign_up("dora")
    slug_path = ada.write("Labelled", "Body text.", tags="a11y")
    for path in ("/", slug_path, "/editor", "/settings", "/dashboard", "/@dora", "/search?q=x"):
        page = ada.go(path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
                   .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
                   .map(el => el.name || el.id)"""
        )
        assert unlabelled == [], (path, unlabelled)
    page = ada.go("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.textContent, getComputedStyle(document.activeElement)"
        ".outlineStyle]"
    )
    assert focused == ["Skip to content", "solid"]
