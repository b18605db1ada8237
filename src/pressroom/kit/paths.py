"""The site's page addresses, shared by the pages, the feeds and the sitemap."""

from __future__ import annotations

from urllib.parse import quote


def path_segment(value: str) -> str:
    """``value`` as one path segment: a slash or a question mark in it stays text."""
    return quote(value, safe="")


def article_path(slug: str) -> str:
    return f"/article/{path_segment(slug)}"


def author_path(username: str) -> str:
    return f"/@{path_segment(username)}"


def tag_path(name: str) -> str:
    return f"/tags/{path_segment(name)}"
