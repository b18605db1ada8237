"""A real server and Debian's headless Chromium, driven by Playwright.

The browser is the system's own ``/usr/bin/chromium``; none is ever downloaded. Without
it these tests skip, or fail where every dependency is required (CI).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, ViewportSize, sync_playwright

from tests.api.conftest import PASSWORD
from tests.databases import REQUIRE_ALL
from tests.served import served

CHROMIUM = "/usr/bin/chromium"
# The screenshots of every run land here; the README shows them.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("site")) as base:
        yield base


# The browser's package, not the session: while Playwright's sync API runs, it leaves its
# event loop set as this thread's running one, and no async test could run after it.
@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRE_ALL:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Visitor:
    """One person at one browser: their own cookies, and every dialog their pages opened
    (a script that runs where it should not would open one)."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.context = context
        self.base = base
        self.page: Page = context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def sign_up(self, username: str, email: str | None = None) -> None:
        page = self.go("/register")
        page.get_by_label("Username").fill(username)
        page.get_by_label("E-mail").fill(email or f"{username}@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_url(self.base + "/")

    def write(self, title: str, body: str, tags: str = "", action: str = "Publish now") -> str:
        """A new article through the editor; the path of its page."""
        page = self.go("/editor")
        page.get_by_label("Title").fill(title)
        page.get_by_label("What is it about?").fill(f"All about {title}")
        page.get_by_label("Article (Markdown)").fill(body)
        page.get_by_label("Tags").fill(tags)
        page.get_by_role("button", name=action, exact=True).click()
        page.wait_for_url("**/article/**")
        return page.url.removeprefix(self.base)


Visit = Callable[..., Visitor]


@pytest.fixture
def visit(chromium: Browser, server: str) -> Iterator[Visit]:
    """Opens visitors, each in a browser context of their own (``visit(PHONE)`` for a
    phone's screen)."""
    contexts: list[BrowserContext] = []

    def open_visitor(viewport: ViewportSize = DESKTOP) -> Visitor:
        contexts.append(chromium.new_context(viewport=viewport))
        return Visitor(contexts[-1], server)

    yield open_visitor
    for context in contexts:
        context.close()
