"""RSS, Atom and the sitemap: published articles only, escaped, absolute, in UTC."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import feedparser
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from pressroom.feeds import repository
from pressroom.feeds.documents import entry_id, rfc3339
from pressroom.kit.pagination import INTEGER_MAX
from pressroom.models import Article
from tests.api.conftest import TEST_SECRET, Account, StatementLog, app_on, register
from tests.api.test_articles import create
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://test"
NASTY = '<script>alert(1)</script> & "quotes"'


def _future() -> str:
    return (datetime.now(UTC) + timedelta(days=2)).isoformat()


async def _get(client: httpx.AsyncClient, path: str, content_type: str) -> ET.Element:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == f"{content_type}; charset=utf-8"
    assert b"<script>" not in response.content
    return ET.fromstring(response.content)  # noqa: S314 (the app's own output)


async def _rss(client: httpx.AsyncClient, path: str) -> list[ET.Element]:
    root = await _get(client, path, "application/rss+xml")
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title")
    assert (channel.findtext("link") or "").startswith(f"{BASE}/")
    return channel.findall("item")


async def _atom(client: httpx.AsyncClient, path: str) -> list[ET.Element]:
    root = await _get(client, path, "application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}id")
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "").utcoffset() == (
        timedelta(0)
    )
    return root.findall(f"{ATOM}entry")


def _rss_slugs(items: list[ET.Element]) -> list[str]:
    prefix = f"{BASE}/article/"
    links = [item.findtext("link") or "" for item in items]
    assert all(link.startswith(prefix) for link in links), links
    return [link.removeprefix(prefix) for link in links]


def _atom_slugs(entries: list[ET.Element]) -> list[str]:
    prefix = f"{BASE}/article/"
    links = []
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.get("rel") == "alternate"
        links.append(link.get("href") or "")
    assert all(link.startswith(prefix) for link in links), links
    return [link.removeprefix(prefix) for link in links]


async def _seed_visibility(client: httpx.AsyncClient, alice: Account) -> list[str]:
    """Three published articles (newest last), a draft and a scheduled one."""
    slugs = [(await create(client, alice, title=f"Published {i}"))["slug"] for i in range(3)]
    await create(client, alice, title="A draft", status="draft")
    await create(client, alice, title="Scheduled", publishAt=_future())
    return slugs


async def test_rss_lists_published_articles_newest_first(
    client: httpx.AsyncClient, alice: Account
) -> None:
    slugs = await _seed_visibility(client, alice)
    before = datetime.now(UTC)
    items = await _rss(client, "/feed.xml")
    assert _rss_slugs(items) == slugs[::-1]
    titles = [item.findtext("title") for item in items]
    assert titles == ["Published 2", "Published 1", "Published 0"]
    guids = {item.findtext("guid") for item in items}
    assert len(guids) == 3
    assert None not in guids
    for item in items:
        assert item.findtext("description") == "Ever wonder how?"
        assert item.findtext(f"{DC}creator") == alice.username
        published = parsedate_to_datetime(item.findtext("pubDate") or "")
        assert published.utcoffset() == timedelta(0)
        assert before - timedelta(minutes=5) < published <= before + timedelta(seconds=1)


async def test_atom_lists_published_articles_newest_first(
    client: httpx.AsyncClient, alice: Account
) -> None:
    slugs = await _seed_visibility(client, alice)
    before = datetime.now(UTC)
    entries = await _atom(client, "/atom.xml")
    assert _atom_slugs(entries) == slugs[::-1]
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Published 2",
        "Published 1",
        "Published 0",
    ]
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
    for entry in entries:
        assert entry.findtext(f"{ATOM}summary") == "Ever wonder how?"
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == alice.username
        for field in ("published", "updated"):
            moment = datetime.fromisoformat(entry.findtext(f"{ATOM}{field}") or "")
            assert moment.utcoffset() == timedelta(0)
            assert before - timedelta(minutes=5) < moment <= before + timedelta(seconds=1)


async def test_feeds_hide_drafts_and_scheduled_articles(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await _seed_visibility(client, alice)
    for path in ("/feed.xml", f"/@{alice.username}/feed.xml"):
        titles = {item.findtext("title") for item in await _rss(client, path)}
        assert titles == {"Published 0", "Published 1", "Published 2"}
    for path in ("/atom.xml", f"/@{alice.username}/atom.xml"):
        titles = {e.findtext(f"{ATOM}title") for e in await _atom(client, path)}
        assert titles == {"Published 0", "Published 1", "Published 2"}


async def test_feeds_hold_the_newest_20(client: httpx.AsyncClient, alice: Account) -> None:
    slugs = [(await create(client, alice, title=f"Many {i}"))["slug"] for i in range(22)]
    newest = slugs[::-1][:20]
    assert _rss_slugs(await _rss(client, "/feed.xml")) == newest
    assert _atom_slugs(await _atom(client, "/atom.xml")) == newest


async def test_titles_are_escaped(client: httpx.AsyncClient, alice: Account) -> None:
    await create(client, alice, title=NASTY, description=f"about {NASTY}")
    (item,) = await _rss(client, "/feed.xml")
    assert item.findtext("title") == NASTY
    # An RSS description is HTML to feed readers: the text comes escaped, and shows as is.
    description = item.findtext("description") or ""
    assert "<" not in description
    assert html.unescape(description) == f"about {NASTY}"
    (entry,) = await _atom(client, "/atom.xml")
    assert entry.findtext(f"{ATOM}title") == NASTY
    assert entry.findtext(f"{ATOM}summary") == f"about {NASTY}"


async def test_characters_xml_cannot_hold_still_make_valid_feeds(
    client: httpx.AsyncClient,
) -> None:
    """U+FFFE and U+FFFF are Unicode the API takes, but no XML 1.0 document may hold them."""
    odd = "\ufffe\uffff"
    author = await register(client, f"odd{odd}")
    await create(client, author, title=f"Title {odd}", description=f"D {odd}", tagList=[odd])
    tag = quote(odd, safe="")
    author_path = f"/@{quote(author.username, safe='')}"
    for kind in ("feed.xml", "atom.xml"):
        for path in (f"/{kind}", f"{author_path}/{kind}", f"/tags/{tag}/{kind}"):
            response = await client.get(path)
            assert response.status_code == 200, path
            # expat, a strict parser, refuses any character XML 1.0 forbids.
            root = ET.fromstring(response.content)  # noqa: S314 (the app's own output)
            assert "Title \ufffd\ufffd" in ET.tostring(root, encoding="unicode"), path
    sitemap = await client.get("/sitemap.xml")
    assert author_path in ET.tostring(ET.fromstring(sitemap.content), encoding="unicode")  # noqa: S314


async def test_author_feeds_hold_only_their_articles(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    mine = (await create(client, alice, title="Alice writes"))["slug"]
    theirs = (await create(client, bob, title="Bob writes"))["slug"]
    assert _rss_slugs(await _rss(client, f"/@{alice.username}/feed.xml")) == [mine]
    assert _rss_slugs(await _rss(client, f"/@{bob.username}/feed.xml")) == [theirs]
    assert _atom_slugs(await _atom(client, f"/@{alice.username}/atom.xml")) == [mine]
    assert _atom_slugs(await _atom(client, f"/@{bob.username}/atom.xml")) == [theirs]


async def test_an_author_without_articles_has_an_empty_feed(
    client: httpx.AsyncClient, alice: Account
) -> None:
    assert await _rss(client, f"/@{alice.username}/feed.xml") == []
    assert await _atom(client, f"/@{alice.username}/atom.xml") == []


@pytest.mark.parametrize("document", ["feed.xml", "atom.xml"])
async def test_an_unknown_author_is_404(client: httpx.AsyncClient, document: str) -> None:
    response = await client.get(f"/@nobody-here/{document}")
    assert response.status_code == 404
    assert response.json() == {"errors": {"profile": ["not found"]}}


async def test_tag_feeds_hold_only_tagged_articles(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    first = (await create(client, alice, title="Dragons 1", tagList=["dragons"]))["slug"]
    await create(client, bob, title="Cats", tagList=["cats"])
    second = (await create(client, bob, title="Dragons 2", tagList=["dragons", "x"]))["slug"]
    await create(client, alice, title="Hidden dragons", tagList=["dragons"], status="draft")
    await create(client, alice, title="Later dragons", tagList=["dragons"], publishAt=_future())
    assert _rss_slugs(await _rss(client, "/tags/dragons/feed.xml")) == [second, first]
    assert _atom_slugs(await _atom(client, "/tags/dragons/atom.xml")) == [second, first]
    assert await _rss(client, "/tags/unused/feed.xml") == []
    assert await _atom(client, "/tags/unused/atom.xml") == []


async def test_sitemap_lists_published_articles_and_their_authors(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    slugs = await _seed_visibility(client, alice)
    await create(client, bob, title="Bob's draft", status="draft")
    root = await _get(client, "/sitemap.xml", "application/xml")
    assert root.tag == f"{SITEMAP}urlset"
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    expected = {f"{BASE}/article/{slug}" for slug in slugs} | {f"{BASE}/@{alice.username}"}
    assert set(urls) == expected
    for slug in slugs:
        lastmod = datetime.fromisoformat(urls[f"{BASE}/article/{slug}"] or "")
        assert lastmod.utcoffset() == timedelta(0)


async def test_a_sitemap_too_large_for_one_file_is_an_index_of_files_holding_every_url(
    client: httpx.AsyncClient, alice: Account, bob: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "SITEMAP_MAX_URLS", 3)
    slugs = await _seed_visibility(client, alice)
    slugs += [(await create(client, bob, title=f"Bob's {i}"))["slug"] for i in range(4)]
    await create(client, bob, title="Bob's draft", status="draft")

    index = await _get(client, "/sitemap.xml", "application/xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    files = [entry.findtext(f"{SITEMAP}loc") or "" for entry in index]
    assert all(file.startswith(f"{BASE}/sitemaps/") for file in files)
    urls: list[str] = []
    for file in files:
        urlset = await _get(client, file.removeprefix(BASE), "application/xml")
        assert urlset.tag == f"{SITEMAP}urlset"
        assert len(urlset) <= 3
        urls += [url.findtext(f"{SITEMAP}loc") or "" for url in urlset]

    articles = {f"{BASE}/article/{slug}" for slug in slugs}
    authors = {f"{BASE}/@{alice.username}", f"{BASE}/@{bob.username}"}
    assert sorted(urls) == sorted(articles | authors)  # each once, drafts and schedules never


async def test_every_file_number_the_path_takes_answers(client: httpx.AsyncClient) -> None:
    last = INTEGER_MAX // repository.SITEMAP_MAX_URLS  # its ids end at the largest integer
    for path in (f"/sitemaps/articles-{last}.xml", f"/sitemaps/authors-{last}.xml"):
        assert len(await _get(client, path, "application/xml")) == 0
    for page in (-1, last + 1, "x"):
        assert (await client.get(f"/sitemaps/articles-{page}.xml")).status_code == 422


async def test_robots_txt_shows_crawlers_the_sitemap(client: httpx.AsyncClient) -> None:
    response = await client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {BASE}/sitemap.xml" in response.text.splitlines()


async def test_feeds_cost_the_same_for_1_and_20_articles(
    client: httpx.AsyncClient, alice: Account, bob: Account, sql: StatementLog
) -> None:
    paths = [
        "/feed.xml",
        "/atom.xml",
        f"/@{alice.username}/feed.xml",
        f"/@{alice.username}/atom.xml",
        "/tags/counted/feed.xml",
        "/tags/counted/atom.xml",
        "/sitemap.xml",
        "/sitemaps/articles-0.xml",
        "/sitemaps/authors-0.xml",
    ]

    async def costs() -> list[int]:
        counts = []
        for path in paths:
            sql.clear()
            response = await client.get(path)
            assert response.status_code == 200, response.text
            counts.append(sql.count)
        return counts

    await create(client, alice, title="Counted 0", tagList=["counted", "other"])
    one = await costs()
    for i in range(1, 20):
        await create(client, alice, title=f"Counted {i}", tagList=["counted", f"t{i}"])
    twenty = await costs()
    assert one == twenty
    # The sitemap: its plan (one file or an index), its articles, its authors.
    assert one == [1, 1, 2, 2, 1, 1, 3, 1, 1]
    assert len(await _rss(client, "/tags/counted/feed.xml")) == 20


@pytest.mark.parametrize("kind", ["feed.xml", "atom.xml"])
async def test_a_feed_reader_reads_every_entry(
    client: httpx.AsyncClient, alice: Account, kind: str
) -> None:
    """feedparser, the parser most feed readers build on, finds every entry intact."""
    published = [
        await create(client, alice, title=f"{NASTY} {i}", tagList=["reading"]) for i in range(3)
    ]
    await create(client, alice, title="A draft", status="draft", tagList=["reading"])
    for path in (f"/{kind}", f"/@{alice.username}/{kind}", f"/tags/reading/{kind}"):
        response = await client.get(path)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.get("title")
        entries = {entry.link.removeprefix(f"{BASE}/article/"): entry for entry in parsed.entries}
        assert set(entries) >= {article["slug"] for article in published}
        assert "a-draft" not in entries
        for article in published:
            entry = entries[article["slug"]]
            assert entry.title == article["title"]  # unescaped back to the original text
            assert entry.get("author") == alice.username
            moment = datetime(*entry.published_parsed[:6], tzinfo=UTC)
            stated = datetime.fromisoformat(article["publishedAt"].replace("Z", "+00:00"))
            assert abs(moment - stated) < timedelta(seconds=1)


def test_years_before_1000_have_four_digits() -> None:
    """RFC 3339 and tag: URIs (RFC 4151) both need a four-digit year."""
    early = datetime(999, 6, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert rfc3339(early) == "0999-06-01T08:30:15Z"
    assert entry_id(BASE, Article(id=7, created_at=early)) == "tag:test,0999-06-01:article:7"


def _href(root: ET.Element, path: str) -> str | None:
    link = root.find(path)
    return None if link is None else link.get("href")


async def test_a_tag_feeds_links_lead_to_its_page_and_back_to_itself(
    client: httpx.AsyncClient, alice: Account
) -> None:
    """A slash of the tag's name is sent as %2F: /tags/c/feed.xml is the feed of the tag c."""
    slug = (await create(client, alice, title="Named like a feed", tagList=["c/feed.xml"]))["slug"]
    page = f"{BASE}/tags/c%2Ffeed.xml"
    rss = ET.fromstring((await client.get("/tags/c%2Ffeed.xml/feed.xml")).content)  # noqa: S314
    atom = ET.fromstring((await client.get("/tags/c%2Ffeed.xml/atom.xml")).content)  # noqa: S314
    links = {
        "rss page": rss.findtext("channel/link"),
        "rss self": _href(rss, f"channel/{ATOM}link[@rel='self']"),
        "atom page": _href(atom, f"{ATOM}link[@rel='alternate']"),
        "atom self": _href(atom, f"{ATOM}link[@rel='self']"),
    }
    assert links == {
        "rss page": page,
        "rss self": f"{page}/feed.xml",
        "atom page": page,
        "atom self": f"{page}/atom.xml",
    }
    # Each leads where it says: the page, and the very same feeds.
    shown = await client.get(page, headers={"Accept": "text/html"})
    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/html")
    assert f"/article/{slug}" in shown.text
    assert _rss_slugs(await _rss(client, f"{page}/feed.xml")) == [slug]
    assert _atom_slugs(await _atom(client, f"{page}/atom.xml")) == [slug]
    assert await _rss(client, "/tags/c/feed.xml") == []  # the tag c has no article


async def test_feeds_answer_head_requests(client: httpx.AsyncClient, alice: Account) -> None:
    """Feed validators, link checkers and some readers ask for the headers alone."""
    await create(client, alice, tagList=["heads"])
    documents = {
        "/feed.xml": "application/rss+xml",
        "/atom.xml": "application/atom+xml",
        f"/@{alice.username}/feed.xml": "application/rss+xml",
        f"/@{alice.username}/atom.xml": "application/atom+xml",
        "/tags/heads/feed.xml": "application/rss+xml",
        "/tags/heads/atom.xml": "application/atom+xml",
        "/sitemap.xml": "application/xml",
        "/sitemaps/authors-0.xml": "application/xml",
    }
    for path, content_type in documents.items():
        response = await client.head(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == f"{content_type}; charset=utf-8"
        assert response.content == b""
    assert (await client.head("/@nobody-here/feed.xml")).status_code == 404
    paths = (await client.get("/api/openapi.json")).json()["paths"]
    assert set(paths["/feed.xml"]) == {"get"}


async def test_an_empty_feed_is_the_same_document_from_one_poll_to_the_next(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/tags/nothing-tagged-yet/atom.xml")
    again = await client.get(
        "/tags/nothing-tagged-yet/atom.xml", headers={"If-None-Match": first.headers["etag"]}
    )
    assert first.status_code == 200
    assert again.status_code == 304
    updated = ET.fromstring(first.content).findtext(f"{ATOM}updated")  # noqa: S314
    assert updated == "1970-01-01T00:00:00Z"


async def test_a_reader_holding_the_newest_copy_gets_304(
    client: httpx.AsyncClient, alice: Account
) -> None:
    """Readers poll feeds and send back the ETag; caches must ask again every time."""
    await create(client, alice, title="First", tagList=["polled"])
    paths = ["/feed.xml", f"/@{alice.username}/atom.xml", "/tags/polled/feed.xml", "/sitemap.xml"]
    etags = {}
    for path in paths:
        first = await client.get(path)
        assert first.headers["cache-control"] == "no-cache"
        etags[path] = first.headers["etag"]
        again = await client.get(path, headers={"If-None-Match": f'"other", {etags[path]}'})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again.headers["etag"] == etags[path]
    await create(client, alice, title="Second", tagList=["polled"])
    for path in paths:
        changed = await client.get(path, headers={"If-None-Match": etags[path]})
        assert changed.status_code == 200, path
        assert changed.headers["etag"] != etags[path]
        assert b"second" in changed.content.lower()


async def test_a_configured_site_address_is_the_one_given_whatever_name_was_asked(
    client: httpx.AsyncClient,
    alice: Account,
    database: ScratchDatabase,
    async_connection: AsyncConnection,
) -> None:
    """A site reachable under two names gives one address for each page and entry."""
    slug = (await create(client, alice, title="Addressed"))["slug"]
    settings = settings_for(database, jwt_secret=TEST_SECRET, site_url="https://press.example/")
    app = httpx.ASGITransport(app=app_on(async_connection, settings))
    ids = set()
    for asked in ("http://10.0.0.7:8000", "http://press-1.internal"):
        async with httpx.AsyncClient(transport=app, base_url=asked) as other:
            atom = ET.fromstring((await other.get("/atom.xml")).content)  # noqa: S314
            [entry] = atom.findall(f"{ATOM}entry")
            ids.add(entry.findtext(f"{ATOM}id"))
            link = entry.find(f"{ATOM}link")
            assert link is not None
            assert link.get("href") == f"https://press.example/article/{slug}"
            rss = ET.fromstring((await other.get("/feed.xml")).content)  # noqa: S314
            assert rss.findtext("channel/link") == "https://press.example/"
            sitemap = (await other.get("/sitemap.xml")).text
            assert f"https://press.example/article/{slug}" in sitemap
            assert "10.0.0.7" not in sitemap + (await other.get("/robots.txt")).text
            page = (await other.get(f"/article/{slug}")).text
            assert f'<link rel="canonical" href="https://press.example/article/{slug}">' in page
    [the_id] = ids
    assert (the_id or "").startswith("tag:press.example,")
