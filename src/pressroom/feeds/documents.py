"""The XML documents: RSS 2.0, Atom 1.0 and the sitemap, built with ElementTree.

Every text goes through ElementTree, which escapes it; no markup is ever concatenated.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from pressroom.kit.paths import article_path, author_path
from pressroom.models import Article

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NOTHING_PUBLISHED_YET = datetime(1970, 1, 1, tzinfo=UTC)  # an empty Atom feed's time

ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("dc", DC_NS)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about: its title, the page it mirrors and its own address."""

    title: str
    description: str
    page: str  # absolute URL of the HTML page the feed mirrors
    rss: str  # absolute URL of the RSS document
    atom: str  # absolute URL of the Atom document


def article_url(base: str, article: Article) -> str:
    return f"{base}{article_path(article.slug)}"


def author_url(base: str, username: str) -> str:
    return f"{base}{author_path(username)}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def rfc822(moment: datetime) -> str:
    """``Tue, 24 Nov 2026 10:11:12 GMT``."""
    return format_datetime(_utc(moment).replace(microsecond=0), usegmt=True)


def rfc3339(moment: datetime) -> str:
    """``2026-11-24T10:11:12Z``."""
    # isoformat, not strftime: %Y leaves years before 1000 unpadded, which RFC 3339 forbids.
    return _utc(moment).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _published(article: Article) -> datetime:
    # Feeds hold published articles only, which always have a publication time.
    return article.published_at or article.created_at


def _updated(article: Article) -> datetime:
    return max(article.updated_at, _published(article))


def entry_id(base: str, article: Article) -> str:
    """A tag: URI (RFC 4151) that stays the same when the title, hence the slug, changes."""
    host = urlsplit(base).hostname or "localhost"
    return f"tag:{host},{_utc(article.created_at).date().isoformat()}:article:{article.id}"


# Characters XML 1.0 cannot carry, escaped or not: one of them in a title, a name or a tag
# (U+FFFE is valid Unicode, and the API takes it) and a strict parser refuses the document.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with what XML cannot hold shown as U+FFFD, the replacement character."""
    return _NOT_IN_XML.sub("\ufffd", text)


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = xml_text(text)
    return element


def _serialize(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _as_html(text: str) -> str:
    """Plain text for an RSS description, which readers render as HTML: escaped, so that
    a description reading ``<img onerror=...>`` shows as those characters."""
    return html.escape(text, quote=False)


def rss(base: str, info: FeedInfo, articles: Sequence[Article]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", info.title)
    _text(channel, "link", info.page)
    _text(channel, "description", _as_html(info.description))
    ET.SubElement(
        channel,
        f"{{{ATOM_NS}}}link",
        {"href": info.rss, "rel": "self", "type": "application/rss+xml"},
    )
    if articles:
        _text(channel, "lastBuildDate", rfc822(max(_updated(a) for a in articles)))
    for article in articles:
        item = ET.SubElement(channel, "item")
        _text(item, "title", article.title)
        _text(item, "link", article_url(base, article))
        _text(item, "guid", entry_id(base, article), isPermaLink="false")
        _text(item, "pubDate", rfc822(_published(article)))
        _text(item, f"{{{DC_NS}}}creator", article.author.username)
        _text(item, "description", _as_html(article.description))
    return _serialize(root)


def atom(base: str, info: FeedInfo, articles: Sequence[Article]) -> bytes:
    # Unprefixed names, in the default namespace the root declares.
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    _text(root, "title", info.title, type="text")
    _text(root, "subtitle", info.description, type="text")
    _text(root, "id", info.atom)
    # Atom requires a feed's time even when it is empty; a fixed one keeps an empty feed the
    # same document from one poll to the next, so its reader gets a 304 too.
    updated = max((_updated(a) for a in articles), default=NOTHING_PUBLISHED_YET)
    _text(root, "updated", rfc3339(updated))
    ET.SubElement(root, "link", {"rel": "self", "href": info.atom})
    ET.SubElement(root, "link", {"rel": "alternate", "href": info.page})
    for article in articles:
        entry = ET.SubElement(root, "entry")
        _text(entry, "title", article.title, type="text")
        ET.SubElement(entry, "link", {"rel": "alternate", "href": article_url(base, article)})
        _text(entry, "id", entry_id(base, article))
        _text(entry, "published", rfc3339(_published(article)))
        _text(entry, "updated", rfc3339(_updated(article)))
        author = ET.SubElement(entry, "author")
        _text(author, "name", article.author.username)
        _text(author, "uri", author_url(base, article.author.username))
        _text(entry, "summary", article.description, type="text")
    return _serialize(root)


def sitemap(
    base: str,
    articles: Sequence[tuple[str, datetime, datetime | None]],
    authors: Sequence[tuple[str, datetime | None]],
) -> bytes:
    def add(loc: str, lastmod: datetime | None) -> None:
        url = ET.SubElement(root, "url")
        _text(url, "loc", loc)
        if lastmod is not None:
            _text(url, "lastmod", rfc3339(lastmod))

    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for slug, updated, published in articles:
        lastmod = max(updated, published) if published is not None else updated
        add(f"{base}{article_path(slug)}", lastmod)
    for username, latest in authors:
        add(author_url(base, username), latest)
    return _serialize(root)


def sitemap_index(files: Sequence[str]) -> bytes:
    """A sitemap index: where each file of a sitemap too large for one is."""
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for location in files:
        _text(ET.SubElement(root, "sitemap"), "loc", location)
    return _serialize(root)
