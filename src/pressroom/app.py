"""create_app(): the one place that wires settings, database and routes together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import APIRouter, FastAPI
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import text
from starlette.routing import BaseRoute

from pressroom import __version__
from pressroom.accounts.endpoints import router as accounts_router
from pressroom.api import API_PREFIX, observability
from pressroom.api.errors import errors, install_error_handlers
from pressroom.api.middleware import EveryAnswer, RequestLimits
from pressroom.api.probes import probes_router
from pressroom.articles.endpoints import router as articles_router
from pressroom.comments.endpoints import router as comments_router
from pressroom.config import Settings, get_settings
from pressroom.db.deps import DbSession
from pressroom.db.engine import create_async_db_engine, create_async_read_engine
from pressroom.db.replicas import warn_unless_reads_see_writes
from pressroom.db.session import RequestSessions
from pressroom.db.urls import backend_of
from pressroom.feeds.endpoints import router as feeds_router
from pressroom.kit import heap
from pressroom.profiles.endpoints import router as profiles_router
from pressroom.tags.endpoints import router as tags_router
from pressroom.users.endpoints import router as users_router
from pressroom.users.security import TokenIssuer, resolve_jwt_secret
from pressroom.web.site import install_site, page_errors

# Matched in this order, one route after another: deleting an account, asked for least,
# comes last.
API_ROUTERS = [
    users_router,
    profiles_router,
    articles_router,
    comments_router,
    tags_router,
    accounts_router,
]
# pressroom's own metrics and request log are always on. FastAPI's OpenTelemetry is only
# for operators who collect it: left on, it looks for configured providers on every
# request, which cost a typical read about 2% of its instructions.
WITHOUT_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def _is_not_a_read(route: BaseRoute) -> bool:
    return "GET" not in (getattr(route, "methods", None) or ())


def create_served_app() -> FastAPI:
    """The app as ``pressroom serve`` runs it in each worker process.

    Once started, the worker's heap is settled (see ``pressroom.kit.heap``): a
    process-wide setting, so it is left out of the apps that tests build by the dozen.
    """
    return create_app(settle_heap=True)


def create_app(settings: Settings | None = None, *, settle_heap: bool = False) -> FastAPI:
    """A ready-to-serve ASGI app; its lifespan opens and closes the database pool."""
    settings = settings or get_settings()
    # Resolved now, not on first login: a server database without a secret must not start.
    tokens = TokenIssuer(
        resolve_jwt_secret(settings), timedelta(minutes=settings.token_ttl_minutes)
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_db_engine(settings)
        read_engine = create_async_read_engine(settings)
        app.state.sessions = RequestSessions.on(engine, read_engine)
        observability.POOLS.watch({"write": engine, "read": read_engine})
        await warn_unless_reads_see_writes(engine, settings)
        if settle_heap:
            heap.settle_after_start_up()
        try:
            yield
        finally:
            await engine.dispose()
            await read_engine.dispose()

    app = FastAPI(
        title="pressroom",
        version=__version__,
        description="A multi-author publishing service, compatible with the RealWorld API.",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        telemetry=None if settings.opentelemetry else WITHOUT_OPENTELEMETRY,
    )
    app.state.settings = settings
    app.state.tokens = tokens
    install_error_handlers(app, settings.retry_after_seconds, page_errors)
    # The longest article fits in any encoding (see ``Settings.max_body_bytes``).
    app.add_middleware(
        RequestLimits,
        max_bytes=settings.max_body_bytes,
        seconds=settings.request_timeout_seconds,
        retry_after=settings.retry_after_seconds,
    )
    # Outermost, so that every answer is stamped, logged and counted, CORS preflights and
    # the refusals of the layers inside included. CORS is inside it and outside the
    # limits, so that their refusals carry its headers too.
    cors = {
        "allow_origins": settings.cors_origins,
        "allow_credentials": False,
        "allow_methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        "allow_headers": ["Authorization", "Content-Type", "X-Request-ID"],
        # What a front end on another origin must be able to read: when to try again
        # (429, 503), and the id to quote when reporting a problem.
        "expose_headers": ["Retry-After", "X-Request-ID"],
        "max_age": 600,
    }
    docs_paths = frozenset({"/docs", "/docs/oauth2-redirect"})
    app.add_middleware(EveryAnswer, docs_paths=docs_paths, cors=cors)

    # The API's routes go straight into the app's own table, already under their prefix.
    # An included router is a node of its own: FastAPI matches each request against its
    # routes once to choose it and again inside it, with scope bookkeeping around every
    # route it tries, which cost a typical read about 6% of its instructions.
    # Starlette tries routes in order until one matches, and most requests are API reads:
    # they go first, ahead of the API document's routes, then the API's writes; each
    # group keeps its routers' order (so /articles/feed stays ahead of /articles/{slug}).
    api_routes = [route for router in API_ROUTERS for route in router.routes]
    app.router.routes[:0] = sorted(api_routes, key=_is_not_a_read)

    operations = APIRouter(prefix=API_PREFIX, tags=["operations"])

    @operations.get("/health", responses=errors())
    async def health(session: DbSession) -> dict[str, str]:
        """Liveness and database reachability."""
        await session.execute(text("SELECT 1"))
        return {"status": "ok", "database": backend_of(settings.database_url).value}

    app.include_router(operations)
    app.include_router(probes_router(settings))
    app.include_router(observability.router)
    app.include_router(feeds_router)
    install_site(app)
    return app
