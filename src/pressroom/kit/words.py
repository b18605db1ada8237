"""Counting the words of a text."""

from __future__ import annotations


def count_words(text: str) -> int:
    """Words as a reader sees them: runs of characters between whitespace."""
    return len(text.split())
