"""``/healthz`` and ``/readyz``: what a load balancer or an orchestrator asks a worker.

- ``/healthz``: the process is up and serving. It never touches the database, so a
  database outage does not get healthy workers restarted.
- ``/readyz``: this worker can serve requests now: the database answers, and its schema is
  at the revision this code was written for. Otherwise 503, saying which.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import Connection

from pressroom.api.errors import error_body, errors
from pressroom.api.responses import json_body
from pressroom.config import Settings
from pressroom.db import migrate
from pressroom.db.deps import DbSession


def probes_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["operations"])
    expected = migrate.head_revision(migrate.alembic_config(settings.database_url))
    retry_after = str(settings.retry_after_seconds)

    @router.get("/healthz")
    async def healthz() -> Response:
        """The process is up."""
        return json_body({"status": "ok"})

    @router.get("/readyz", responses=errors())
    async def readyz(session: DbSession) -> Response:
        """The database answers and its schema is the one this code expects."""
        connection = await session.connection()
        current = await connection.run_sync(_current_revision)
        if current != expected:
            message = f"is at revision {current or 'none'}; this code needs {expected}"
            return json_body(
                error_body("schema", message), status_code=503, headers={"Retry-After": retry_after}
            )
        return json_body({"status": "ready", "schema": current})

    return router


def _current_revision(connection: Connection) -> str | None:
    return migrate.current_revision(connection)
