"""``pressroom serve``: the web app under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from pressroom.cli.context import checked_schema
from pressroom.config import get_settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API (and site) over HTTP."""
    checked_schema()
    # Behind a load balancer, the client's address (which sign-in limits count by) and
    # whether it came over HTTPS (which forms and HSTS depend on) are in the headers the
    # balancer adds; only the proxies named are believed, or anyone could claim any address.
    trusted_proxies = get_settings().forwarded_allow_ips
    uvicorn.run(
        "pressroom.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        proxy_headers=True,
        forwarded_allow_ips=trusted_proxies,
        access_log=False,
        # "Server: uvicorn" tells a scanner which software (and which of its flaws) to try.
        server_header=False,
    )
