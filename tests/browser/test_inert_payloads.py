"""Script payloads typed into every form stay text on every page that shows them.

Each payload would, if a page let it through, open a dialog, run a script or leave an
element marked ``data-pwned`` in the page; the checks look for all three, in the DOM
itself, so they would catch an injection even where the page's CSP then blocked it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Visit, Visitor

pytestmark = pytest.mark.backend("sqlite")

IMG = "<img src=x onerror=alert(1) data-pwned>"
PAYLOAD = f"\"'>{IMG}<script>alert(2)</script><svg onload=alert(3) data-pwned>"
MARKDOWN = (
    f'{PAYLOAD}\n\n[click](javascript:alert(4)) <iframe srcdoc="<script>parent.alert(5)'
    '</script>" data-pwned></iframe>\n\n<a href="javascript:alert(6)" data-pwned>x</a>'
)
NAME = IMG[:64]


def _inert(visitor: Visitor, page: Page, where: str) -> None:
    found = page.evaluate(
        """() => ({
            marked: document.querySelectorAll('[data-pwned]').length,
            frames: document.querySelectorAll('iframe, object, embed').length,
            scripts: [...document.scripts].map(s => new URL(s.src || location.href).pathname),
            jsLinks: [...document.querySelectorAll('a[href^="javascript:" i]')].length,
            handlers: [...document.querySelectorAll('*')].filter(el =>
                [...el.attributes].some(a => a.name.startsWith('on'))).length,
        })"""
    )
    assert found == {
        "marked": 0,
        "frames": 0,
        "scripts": ["/static/site.js"],
        "jsLinks": 0,
        "handlers": 0,
    }, where
    assert visitor.dialogs == [], where
    assert visitor.errors == [], where


def _fill_and_send(page: Page, fields: dict[str, str], button: str) -> None:
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_payloads_in_every_form_stay_text(visit: Visit) -> None:
    writer, reader = visit(), visit()

    # Sign-up and sign-in forms, refused: what was typed comes back in the page.
    page = writer.go("/register")
    _fill_and_send(page, {"Username": NAME, "E-mail": PAYLOAD, "Password": "x"}, "Sign up")
    _inert(writer, page, "sign-up refused")
    page = writer.go("/login?next=" + quote(f"/{PAYLOAD}"))
    _fill_and_send(page, {"E-mail": PAYLOAD, "Password": "x"}, "Sign in")
    _inert(writer, page, "sign-in refused")

    # A writer named with a payload, with a payload for a bio.
    writer.sign_up(NAME, "writer@example.org")
    page = writer.go("/settings")
    _fill_and_send(
        page, {"Short bio": PAYLOAD, "Picture URL": "javascript:alert(7)"}, "Save settings"
    )
    _inert(writer, page, "settings saved")

    # An article made of payloads, tags included, first previewed then published.
    page = writer.go("/editor")
    page.get_by_label("Title").fill(PAYLOAD)
    page.get_by_label("What is it about?").fill(PAYLOAD)
    page.get_by_label("Article (Markdown)").fill(MARKDOWN)
    page.get_by_label("Tags").fill(f"{IMG} <script>alert(8)</script>")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("[data-preview-body] p")
    _inert(writer, page, "editor preview")
    page.get_by_label("Article (Markdown)").fill(MARKDOWN + "\n\nmore")  # the live preview
    page.wait_for_timeout(800)
    _inert(writer, page, "live preview")
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url("**/article/**")
    article_path = page.url.removeprefix(writer.base)
    _inert(writer, page, "article")

    # A reader comments with a payload, and searches for one.
    reader.sign_up("reader")
    page = reader.go(article_path)
    page.get_by_label("Add a comment").fill(PAYLOAD)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector(".comment-body")
    page.get_by_role("button", name="Follow").click()
    page.wait_for_load_state()
    _inert(reader, page, "comment")

    author = "/@" + quote(NAME, safe="")
    shown = [
        "/",
        "/?feed=following",
        article_path,
        author,
        author + "?tab=favorites",
        "/tags/" + quote(IMG, safe=""),
        "/tags/" + quote("<script>alert(8)</script>", safe=""),
        "/search?q=" + quote(PAYLOAD),
        "/article/" + quote(PAYLOAD, safe=""),
        "/" + quote(PAYLOAD, safe=""),
    ]
    for who in (writer, reader):
        for path in shown:
            _inert(who, who.go(path), path)
    for path in ("/dashboard", "/settings", "/editor" + article_path.removeprefix("/article")):
        _inert(writer, writer.go(path), path)
    # The payloads are on the pages as text.
    page = reader.go(article_path)
    assert page.get_by_role("heading", level=1).text_content() == PAYLOAD
    assert page.locator(".comment-body").text_content() == PAYLOAD
