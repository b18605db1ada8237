"""``pressroom serve``: the web app under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from pressroom.cli.context import prepare_schema


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API (and site) over HTTP."""
    prepare_schema()
    uvicorn.run(
        "pressroom.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        proxy_headers=True,
        access_log=False,
    )
