"""Request logs and metrics, and what never appears in any log line: passwords, tokens,
password hashes and SQL parameters."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from opentelemetry import trace
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.models import User
from tests.api.conftest import LIVE_PREFIX, TEST_SECRET, Account
from tests.cleanup import delete_where
from tests.conftest import settings_for
from tests.databases import ScratchDatabase


def _access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    for record in caplog.records:
        if record.name == "pressroom.access":
            lines.append(json.loads(record.getMessage()))
    return lines


async def test_every_request_is_one_json_line_with_its_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pressroom.access")
    response = await client.get("/api/articles?tag=secret-word&limit=3")
    given = await client.get("/api/tags", headers={"X-Request-ID": "lb-1234.abc"})
    refused = await client.get("/api/tags", headers={"X-Request-ID": "no spaces <allowed>"})

    lines = _access_lines(caplog)
    assert len(lines) == 3
    first = lines[0]
    assert set(first) == {"method", "path", "status", "duration_ms", "request_id"}
    assert first["method"] == "GET"
    assert first["path"] == "/api/articles"  # the query string is never logged
    assert first["status"] == 200
    assert isinstance(first["duration_ms"], float)
    assert first["request_id"] == response.headers["x-request-id"]
    assert given.headers["x-request-id"] == "lb-1234.abc" == lines[1]["request_id"]
    assert refused.headers["x-request-id"] != "no spaces <allowed>"
    assert len(refused.headers["x-request-id"]) == 32


async def test_metrics_count_requests_by_route_and_show_the_pools(
    live: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        await live.get("/api/articles/no-such-article")
    text = (await live.get("/metrics")).text
    assert (
        'pressroom_requests_total{method="GET",route="/api/articles/{slug}",status="404"}' in text
    )
    assert 'pressroom_request_duration_seconds_bucket{le="0.002",method="GET"' in text
    assert 'pressroom_db_connections_in_use{pool="read"}' in text
    assert 'pressroom_db_connections_idle{pool="write"}' in text
    assert "pressroom_slow_queries_total" in text


@pytest.fixture
async def secretive(async_engine: AsyncEngine) -> AsyncIterator[str]:
    """A username whose rows, committed by the test, are deleted afterwards."""
    name = f"{LIVE_PREFIX}secretive"
    yield name
    async with async_engine.begin() as connection:
        await delete_where(connection, User.username == name)


async def test_a_full_run_leaves_no_secret_in_any_log_line(
    database: ScratchDatabase,
    async_engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
    secretive: str,
) -> None:
    # Everything pressroom logs, every statement as slow, and SQLAlchemy's own statement
    # log switched on, as an operator chasing a problem might.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    app = create_app(settings_for(database, jwt_secret=TEST_SECRET, slow_query_ms=0))
    name = secretive
    password, wrong, new_password = "first-Pass-phrase-1", "Wrong-guess-2", "second-Pass-phrase-3"
    body = "Body-with-a-distinctive-marker-4711"
    secrets: list[str] = [password, wrong, new_password, body, TEST_SECRET]
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        user = {"username": name, "email": f"{name}@example.org", "password": password}
        registered = await client.post("/api/users", json={"user": user})
        assert registered.status_code == 201
        me = Account(name, user["email"], registered.json()["user"]["token"])
        secrets.append(me.token)
        login = {"email": me.email, "password": wrong}
        assert (await client.post("/api/users/login", json={"user": login})).status_code == 401
        login["password"] = password
        signed_in = await client.post("/api/users/login", json={"user": login})
        secrets.append(signed_in.json()["user"]["token"])
        article = {"title": "Logged?", "description": "d", "body": body}
        created = await client.post("/api/articles", headers=me.auth, json={"article": article})
        assert created.status_code == 201
        assert (await client.get(f"/api/articles/{created.json()['article']['slug']}")).is_success
        changed = await client.put(
            "/api/user", headers=me.auth, json={"user": {"password": new_password}}
        )
        secrets.append(changed.json()["user"]["token"])
        assert (await client.get("/api/user", headers=me.auth)).status_code == 401  # old token
        async with async_engine.connect() as connection:
            stored = await connection.scalar(
                select(User.password_hash).where(User.username == name)
            )
        assert stored is not None
        secrets.append(stored)
        secrets.append(stored.rsplit("$", 1)[-1])  # the hash alone, without its parameters

    logged = "\n".join(
        record.getMessage() + (f"\n{record.exc_text}" if record.exc_text else "")
        for record in caplog.records
    )
    assert "slow query" in logged  # the statement log did run
    assert "INSERT INTO users" in logged
    leaked = [secret for secret in secrets if secret in logged]
    assert leaked == []


class _RecordingTracer(trace.NoOpTracer):
    """A tracer that only remembers the names of the spans started with it."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def start_span(self, name: str, *args: object, **kwargs: object) -> trace.Span:
        self.started.append(name)
        return trace.INVALID_SPAN


class _RecordingProvider(trace.TracerProvider):
    def __init__(self, tracer: _RecordingTracer) -> None:
        self.tracer = tracer

    def get_tracer(self, *args: object, **kwargs: object) -> trace.Tracer:
        return self.tracer


@pytest.mark.parametrize("enabled", [False, True], ids=["by default", "when asked"])
async def test_opentelemetry_traces_requests_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, enabled: bool
) -> None:
    """An operator who set up OpenTelemetry (here: a tracer provider in the process) gets
    FastAPI's request spans by setting ``PRESSROOM_OPENTELEMETRY``; nobody else pays for them."""
    tracer = _RecordingTracer()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: _RecordingProvider(tracer))
    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:", jwt_secret=TEST_SECRET, opentelemetry=enabled
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert tracer.started == (["GET"] if enabled else [])
