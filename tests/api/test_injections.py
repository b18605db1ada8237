"""Script and HTML payloads sent through every text field (title, description, body, tags,
bio, image, comments) are inert wherever HTML comes out: the API's ``bodyHtml`` and the
RSS and Atom feeds, whose HTML a reader's feed client renders."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from tests.api.conftest import Account
from tests.api.test_articles import create
from tests.api.test_rendering import PAYLOADS, _Elements

DANGEROUS_TAGS = {"script", "iframe", "svg", "object", "embed", "style"}


def _assert_inert(html: str) -> None:
    parsed = _Elements()
    parsed.feed(html)
    assert not DANGEROUS_TAGS & set(parsed.tags), html
    assert not [name for name, _ in parsed.attributes if name.startswith("on")], html
    assert not [v for _, v in parsed.attributes if "javascript:" in v.lower()], html


async def test_payloads_in_every_field_come_out_inert(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    everything = "\n\n".join(PAYLOADS)
    settings = {"bio": everything, "image": "javascript:alert(1)"}
    assert (await client.put("/api/user", headers=alice.auth, json={"user": settings})).is_success
    article = await create(
        client,
        alice,
        title=PAYLOADS[0],
        description=PAYLOADS[1],
        body=f"# Hello\n\n{everything}",
        tagList=[PAYLOADS[0][:60]],
    )
    slug = article["slug"]
    comment = {"comment": {"body": everything}}
    posted = await client.post(f"/api/articles/{slug}/comments", headers=bob.auth, json=comment)
    assert posted.status_code == 201

    # The API hands text back as text (clients escape it) and HTML only as bodyHtml.
    single = (await client.get(f"/api/articles/{slug}")).json()["article"]
    assert single["title"] == PAYLOADS[0]
    _assert_inert(single["bodyHtml"])
    assert "Hello" in single["bodyHtml"]

    # Feeds: every element whose text a feed reader renders as HTML (an RSS description,
    # Atom content and summary) is inert once XML-unescaped; titles are plain text.
    for path in ("/feed.xml", "/atom.xml", f"/@{alice.username}/feed.xml"):
        response = await client.get(path)
        assert response.status_code == 200
        document = ET.fromstring(response.content)  # noqa: S314 - our own output
        html = [
            element.text or ""
            for element in document.iter()
            if element.tag.rsplit("}", 1)[-1] in ("description", "content", "summary")
            and element.get("type", "html") != "text"
        ]
        if path.endswith("feed.xml"):  # RSS descriptions; Atom's summary is typed text
            assert any("alert(1)" in text for text in html), path  # there, but as text
        for text in html:
            _assert_inert(text)
        for element in document.iter():
            if element.tag.endswith("}title") and element.get("type") is not None:
                assert element.get("type") == "text"
