"""Markdown bodies to safe HTML, and reading time."""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict

import nh3
from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 230
# Rendering a long body takes milliseconds of CPU: past this size it leaves the event loop.
RENDER_IN_THREAD_ABOVE = 20_000

# CommonMark with raw HTML switched off; nh3 then cleans the output anyway, so a link like
# javascript:... or anything the parser lets through cannot run in a reader's browser.
_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(body: str) -> str:
    """Sanitized HTML for a Markdown body."""
    return nh3.clean(_markdown.render(body), link_rel="noopener noreferrer nofollow")


class RenderedBodies:
    """The HTML of recently read bodies, most recent last, within a budget of characters.

    Markdown is rendered once per version of a body rather than on every read. The body
    itself is the key, so an edit can never be served its old HTML.
    """

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._html: OrderedDict[str, str] = OrderedDict()

    def get(self, body: str) -> str | None:
        html = self._html.get(body)
        if html is not None:
            self._html.move_to_end(body)
        return html

    def put(self, body: str, html: str) -> None:
        if body in self._html or len(body) + len(html) > self._budget:
            return
        self._html[body] = html
        self._size += len(body) + len(html)
        while self._size > self._budget:
            old_body, old_html = self._html.popitem(last=False)
            self._size -= len(old_body) + len(old_html)


# Up to 8 million characters of Markdown and HTML per process: hundreds of typical articles,
# a few dozen huge ones.
_rendered = RenderedBodies(budget=8_000_000)


async def render_markdown_async(body: str) -> str:
    """:func:`render_markdown`, from memory when the body was rendered lately, off the
    event loop when it is long."""
    html = _rendered.get(body)
    if html is None:
        if len(body) > RENDER_IN_THREAD_ABOVE:
            html = await asyncio.to_thread(render_markdown, body)
        else:
            html = render_markdown(body)
        _rendered.put(body, html)
    return html


def reading_time_minutes(word_count: int) -> int:
    """Whole minutes to read ``word_count`` words at an adult's silent pace; at least one."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
