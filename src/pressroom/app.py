"""create_app(): the one place that wires settings, database and routes together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from pressroom import __version__
from pressroom.config import Settings, get_settings
from pressroom.db.deps import DbSession
from pressroom.db.engine import create_async_db_engine
from pressroom.db.session import make_async_sessionmaker
from pressroom.db.urls import backend_of


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready-to-serve ASGI app; its lifespan opens and closes the database pool."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_db_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = make_async_sessionmaker(engine)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="pressroom",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/docs",
    )

    @app.get("/api/health", tags=["operations"])
    async def health(session: DbSession) -> dict[str, str]:
        """Liveness and database reachability."""
        await session.execute(text("SELECT 1"))
        return {"status": "ok", "database": backend_of(settings.database_url).value}

    return app
