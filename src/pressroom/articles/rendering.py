"""Markdown bodies to safe HTML, and reading time."""

from __future__ import annotations

import asyncio
import math

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


async def render_markdown_async(body: str) -> str:
    if len(body) > RENDER_IN_THREAD_ABOVE:
        return await asyncio.to_thread(render_markdown, body)
    return render_markdown(body)


def reading_time_minutes(body: str) -> int:
    """Whole minutes at an adult's silent reading pace; at least one."""
    return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))
