"""The app as a whole: OpenAPI, CORS, start-up rules."""

from __future__ import annotations

import gc
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from pressroom.app import create_app, create_served_app
from pressroom.cli import app as cli
from pressroom.cli.context import prepare_schema
from pressroom.config import Settings, get_settings
from pressroom.db import migrate
from pressroom.db.urls import Backend
from pressroom.kit import heap
from pressroom.users.security import MissingSecret
from tests.databases import ScratchDatabase
from tests.served import served


async def test_openapi_describes_the_api_and_the_token_scheme(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()
    paths = document["paths"]
    expected = {
        ("/api/users", "post"),
        ("/api/users/login", "post"),
        ("/api/user", "get"),
        ("/api/user", "put"),
        ("/api/profiles/{username}", "get"),
        ("/api/profiles/{username}/follow", "post"),
        ("/api/profiles/{username}/follow", "delete"),
        ("/api/articles", "get"),
        ("/api/articles", "post"),
        ("/api/articles/feed", "get"),
        ("/api/articles/{slug}", "get"),
        ("/api/articles/{slug}", "put"),
        ("/api/articles/{slug}", "delete"),
        ("/api/articles/{slug}/favorite", "post"),
        ("/api/articles/{slug}/favorite", "delete"),
        ("/api/articles/{slug}/comments", "get"),
        ("/api/articles/{slug}/comments", "post"),
        ("/api/articles/{slug}/comments/{comment_id}", "delete"),
        ("/api/tags", "get"),
    }
    assert expected <= {(path, method) for path, ops in paths.items() for method in ops}
    assert document["components"]["securitySchemes"]["Token"]["name"] == "Authorization"
    assert "ArticleSummary" in document["components"]["schemas"]
    assert (await client.get("/docs")).status_code == 200


async def test_cors_preflight(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/articles",
        headers={
            "Origin": "https://reader.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-request-id",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    # A front end on another origin can read when to try again, and the request's id.
    answer = await client.get("/api/tags", headers={"Origin": "https://reader.example"})
    exposed = answer.headers["access-control-expose-headers"].lower().split(", ")
    assert set(exposed) >= {"retry-after", "x-request-id"}


async def test_every_answer_varies_by_origin(client: httpx.AsyncClient) -> None:
    # A cache must not give a browser on another origin the answer that lacks its CORS
    # headers, whether or not the request it keeps named an origin.
    for headers in ({}, {"Origin": "https://reader.example"}):
        answer = await client.get("/api/tags", headers=headers)
        assert answer.status_code == 200
        varies_by = [name.strip() for name in ",".join(answer.headers.get_list("vary")).split(",")]
        assert varies_by.count("Origin") == 1
        cors = answer.headers.get("access-control-allow-origin")
        assert cors == ("*" if headers else None)
    refused = await client.get(
        "/api/articles?limit=0", headers={"Origin": "https://reader.example"}
    )
    assert refused.status_code == 422
    assert refused.headers["access-control-allow-origin"] == "*"
    assert refused.headers["vary"] == "Origin"


async def test_unknown_route_is_404_in_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert set(response.json()) == {"errors"}


def test_a_server_database_without_a_secret_refuses_to_start() -> None:
    with pytest.raises(MissingSecret, match="PRESSROOM_JWT_SECRET"):
        create_app(Settings(database_url="postgresql://h/db"))


def test_sqlite_generates_and_keeps_a_secret(tmp_path: object) -> None:
    settings = Settings(database_url="sqlite:///x.db", data_dir=tmp_path)  # type: ignore[arg-type]
    create_app(settings)
    secret = (tmp_path / "jwt-secret").read_text()  # type: ignore[operator]
    create_app(settings)
    assert (tmp_path / "jwt-secret").read_text() == secret  # type: ignore[operator]
    assert len(secret) >= 40


async def test_a_served_worker_keeps_its_start_up_heap_out_of_the_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'served.db'}")
    monkeypatch.setenv("PRESSROOM_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    threshold = gc.get_threshold()
    try:
        # An app built for a test leaves the process's collector alone.
        built = create_app(get_settings())
        async with built.router.lifespan_context(built):
            assert gc.get_freeze_count() == 0
            assert gc.get_threshold() == threshold
        served = create_served_app()
        assert gc.get_freeze_count() == 0  # not before the worker has started
        async with served.router.lifespan_context(served):
            assert gc.get_freeze_count() > 0
            assert gc.get_threshold()[0] == heap.YOUNG_GENERATION_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        get_settings.cache_clear()


def test_serve_migrates_sqlite_and_refuses_a_server_database_behind_head(
    fresh_database: ScratchDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = migrate.alembic_config(fresh_database.url)
    migrate.downgrade(config, "base")
    monkeypatch.setenv("PRESSROOM_DATABASE_URL", fresh_database.url.render_as_string(False))
    monkeypatch.setenv("PRESSROOM_JWT_SECRET", "s" * 48)
    get_settings.cache_clear()
    try:
        if fresh_database.backend is Backend.SQLITE:
            prepare_schema()
        else:
            result = CliRunner().invoke(cli, ["serve", "--port", "1"])
            assert result.exit_code == 1
            assert "pressroom db upgrade" in result.output
    finally:
        get_settings.cache_clear()
        migrate.upgrade(config)
    if fresh_database.backend is Backend.SQLITE:
        engine = create_engine(fresh_database.url)
        with engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision(config)
        engine.dispose()


def test_a_served_answer_does_not_name_the_server_software(tmp_path: Path) -> None:
    with served(tmp_path) as base:
        answer = httpx.get(f"{base}/api/tags")

    assert answer.status_code == 200
    assert "server" not in answer.headers
    assert "date" in answer.headers  # which HTTP asks of every origin server
