"""Screenshots of the main pages at desktop and phone widths, on a seeded publication.

They are written to ``docs/screenshots`` on every run (the README shows them). Each page
must also fit a phone's width: nothing may stick out sideways.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, Visit, Visitor
from tests.served import served

pytestmark = pytest.mark.backend("sqlite")

ESSAY = """Most of what makes a page pleasant to read is invisible: a measure of about
seventy characters, generous leading, and type that was drawn for long text.

## Why the measure matters

When lines run too long, the eye loses its way back to the start of the next one. When
they are too short, the rhythm breaks every few words.

> Typography exists to honor content.

Three rules carry most of the weight:

1. Keep lines between 60 and 75 characters.
2. Set body text a little larger than feels necessary.
3. Give paragraphs room, but not too much.

```python
def measure(line: str) -> int:
    return len(line)
```
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on a small seeded publication (the default ``server`` starts empty)."""
    folder = tmp_path_factory.mktemp("seeded")
    env = os.environ | {
        "PRESSROOM_DATABASE_URL": f"sqlite:///{folder}/served.db",
        "PRESSROOM_DATA_DIR": str(folder),
    }
    seed = [str(Path(sys.executable).parent / "pressroom"), "seed", "--users", "12"]
    options = ["--articles", "40", "--comments", "150", "--tags", "14", "--favorites", "200"]
    subprocess.run([*seed, *options], env=env, check=True, capture_output=True)
    with served(folder) as base:
        yield base


def _shoot(page: Page, name: str, viewport: ViewportSize) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} is {width}px wide on a {viewport['width']}px screen"
    label = "phone" if viewport is PHONE else "desktop"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_the_main_pages(visit: Visit, viewport: ViewportSize) -> None:
    reader: Visitor = visit(viewport)
    page = reader.go("/")
    _shoot(page, "home", viewport)
    first = page.locator(".preview-title a").first
    article_path = first.get_attribute("href")
    author_path = page.locator(".byline-name").first.get_attribute("href")
    tag_path = page.locator(".column-side .tag").first.get_attribute("href")
    assert article_path
    assert author_path
    assert tag_path
    _shoot(reader.go(article_path), "article", viewport)
    _shoot(reader.go(author_path), "author", viewport)
    _shoot(reader.go(tag_path), "tag", viewport)
    _shoot(reader.go("/search?q=indexes"), "search", viewport)
    _shoot(reader.go("/login"), "sign-in", viewport)
    _shoot(reader.go("/no/such/page"), "not-found", viewport)

    writer: Visitor = visit(viewport)
    name = "margaret" if viewport is DESKTOP else "grace"
    writer.sign_up(name)
    path = writer.write("On the measure of a line", ESSAY, tags="typography design")
    _shoot(writer.go(path), "article-own", viewport)
    page = writer.go("/editor/" + path.removeprefix("/article/"))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("[data-preview-body] h2")
    _shoot(page, "editor", viewport)
    writer.write("A draft about kerning", "Not finished yet.", action="Save draft")
    _shoot(writer.go("/dashboard"), "dashboard", viewport)
    assert reader.errors == writer.errors == []
