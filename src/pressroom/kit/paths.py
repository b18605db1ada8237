"""The site's page addresses, shared by the pages, the feeds and the sitemap."""

from __future__ import annotations

from urllib.parse import quote, unquote

FEED_NAMES = frozenset({"feed.xml", "atom.xml"})


def path_segment(value: str) -> str:
    """``value`` as one path segment: a slash or a question mark in it stays text."""
    return quote(value, safe="")


def article_path(slug: str) -> str:
    return f"/article/{path_segment(slug)}"


def author_path(username: str) -> str:
    return f"/@{path_segment(username)}"


def tag_path(name: str) -> str:
    """A tag's page; its feeds are this and ``/feed.xml`` or ``/atom.xml``. The slashes of
    the name are sent as %2F, so that a tag named ``c/feed.xml`` has a page."""
    return f"/tags/{path_segment(name)}"


def ends_in_feed_name(raw_path: bytes) -> bool:
    """Whether a path as sent, before any decoding, ends in a real slash and a feed's name:
    ``/tags/c/feed.xml`` does, ``/tags/c%2Ffeed.xml`` (a tag named ``c/feed.xml``) does not."""
    return unquote(raw_path.decode("latin-1").rpartition("/")[2]) in FEED_NAMES
