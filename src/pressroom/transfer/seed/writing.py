"""Titles, Markdown bodies, bios and comments, assembled fast from precomputed pieces.

A million articles leave no time for a text generator per word: each seed first writes a
few thousand sentences, then every body is a handful of draws from them.
"""

from __future__ import annotations

import random
import re

from pressroom.transfer.seed import words

SENTENCE_POOL = 4096
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_slug(title: str) -> str:
    """The slug of a plain ASCII title: what ``kit.slugs.slugify`` gives, without its cost."""
    return _NOT_SLUG.sub("-", title.lower()).strip("-")


class Writer:
    """Deterministic prose for one seed: the same ``rng`` state writes the same text."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._sentences = [self._sentence() for _ in range(SENTENCE_POOL)]
        self._headings = [
            f"{rng.choice(words.ADJECTIVES).capitalize()} {rng.choice(words.TOPICS)}"
            for _ in range(256)
        ]
        self._topic_slugs = [ascii_slug(topic) for topic in words.TOPICS]

    def _sentence(self) -> str:
        choice = self._rng.choice
        return (
            f"{choice(words.OPENERS)}, {choice(words.SUBJECTS)} {choice(words.PREDICATES)} "
            f"{choice(words.TAILS)}."
        )

    def title(self) -> str:
        choice = self._rng.choice
        return choice(words.TITLE_TEMPLATES).format(
            adjective=choice(words.ADJECTIVES),
            noun=choice(words.NOUNS),
            topic=choice(words.TOPICS),
            other=choice(words.TOPICS),
            verb=choice(words.VERBS),
            number=self._rng.randint(2, 9),
        )

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self._rng.choices(self._sentences, k=self._rng.randint(low, high)))

    def description(self) -> str:
        return self.paragraph(1, 2)

    def body(self) -> str:
        """Markdown of about 0.5 to 2 KB: headings, paragraphs, a list, code and a link."""
        rng = self._rng
        topic = rng.choice(self._topic_slugs)
        language, code = rng.choice(words.CODE_SNIPPETS)
        items = "\n".join(f"- {item}" for item in rng.sample(words.LIST_ITEMS, rng.randint(2, 4)))
        parts = [
            self.paragraph(),
            f"## {rng.choice(self._headings)}",
            self.paragraph(),
            items,
            f"```{language}\n{code}\n```",
            f"More in [the notes on {topic}](https://example.com/notes/{topic}).",
        ]
        if rng.random() < 0.6:
            parts += [f"## {rng.choice(self._headings)}", self.paragraph(3, 6)]
        return "\n\n".join(parts) + "\n"

    def bio(self) -> str | None:
        if self._rng.random() < 0.2:
            return None
        return f"{self._rng.choice(words.BIO_PARTS)} {self._rng.choice(words.TOPICS)}."

    def comment(self) -> str:
        parts = self._rng.sample(words.COMMENT_PARTS, self._rng.randint(1, 2))
        if self._rng.random() < 0.3:
            parts.append(self._rng.choice(self._sentences))
        return " ".join(parts)
