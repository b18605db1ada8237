"""Writing on the site: what the editor must take, however the browser encodes it."""

from __future__ import annotations

import pytest

from pressroom.articles.schemas import BODY_MAX
from tests.web.conftest import Browser


# A form percent-encodes each byte of a character: a CJK character is 9 bytes on the
# wire, an emoji 12. The longest body the API takes must fit through the editor too.
@pytest.mark.parametrize("character", ["\u65e5", "\U0001f600"])
async def test_the_editor_takes_the_longest_body_in_any_script(
    browser: Browser, character: str
) -> None:
    await browser.sign_up("writer")
    slug = await browser.write("Long read", body=character * BODY_MAX)
    page = await browser.get(f"/article/{slug}")
    assert page.status_code == 200
    assert character * 1000 in page.text
