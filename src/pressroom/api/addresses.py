"""The site's own address, for what is read away from it: canonical links, feeds, sitemaps."""

from __future__ import annotations

from fastapi import Request

from pressroom.config import Settings


def site_address(request: Request) -> str:
    """``https://example.org``, with no trailing slash: the configured ``site_url``, or
    else the address the request came to. A site reachable under two names thus gives
    each page, and each feed entry's id, one address rather than one per name."""
    settings: Settings = request.app.state.settings
    return settings.site_url or str(request.base_url).rstrip("/")
