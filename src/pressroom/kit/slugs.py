"""Readable ASCII slugs for URLs."""

from __future__ import annotations

import secrets
import string

from slugify import slugify as _slugify

MAX_BASE_LENGTH = 200
SUFFIX_LENGTH = 6
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
# Paths under /api/articles/ that are not an article's: an article with one of these slugs
# could never be read, commented on or favorited, so no article gets one.
RESERVED = frozenset({"feed"})


def slugify(text: str, *, fallback: str = "article") -> str:
    """Lower-case ASCII words joined by hyphens; non-Latin scripts are transliterated."""
    slug = _slugify(text, max_length=MAX_BASE_LENGTH, word_boundary=True)
    return slug or fallback


def with_suffix(slug: str) -> str:
    """The slug with a short random suffix, used when the plain one is taken."""
    suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))
    return f"{slug}-{suffix}"
