"""The API fuzzed from its own OpenAPI document with schemathesis: for every operation, a
bounded number of generated requests, with and without a valid token. No answer may be a
server error, and every answer must conform to what the document says."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from sqlalchemy.orm import Session

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import migrate
from pressroom.db.engine import create_sync_engine
from pressroom.db.urls import Backend
from pressroom.models import User
from pressroom.users.security import TokenIssuer
from tests.api.conftest import TEST_SECRET
from tests.conftest import scratch_or_skip
from tests.databases import drop_scratch

EXAMPLES_PER_OPERATION = 20
# No server error, and every answer as documented: its status, content type, headers and
# body. (Whether a generated value the schema allows is accepted is not checked: a cursor
# or an e-mail can be well-formed and still wrong.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(params=[Backend.SQLITE, Backend.POSTGRESQL], ids=lambda b: b.value)
def fuzzed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[FastAPI, str]]:
    """The app on a database of its own, with one user and a valid token of theirs."""
    database = scratch_or_skip(request.param, "fuzz", tmp_path)
    settings = Settings(
        database_url=database.url.render_as_string(False), data_dir=tmp_path, jwt_secret=TEST_SECRET
    )
    migrate.upgrade(migrate.alembic_config(database.url))
    engine = create_sync_engine(settings)
    with Session(engine, expire_on_commit=False) as session:
        user = User(username="fuzzer", email="fuzzer@example.org", password_hash="not-a-hash")
        session.add(user)
        session.commit()
    engine.dispose()
    token = TokenIssuer(TEST_SECRET, timedelta(hours=1)).issue(
        user.id, user.password_hash, user.token_generation
    )
    try:
        yield create_app(settings), token
    finally:
        drop_scratch(database)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "\n".join(_describe(inner) for inner in exc.exceptions)
    return str(exc)[:1500]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    fuzzed: tuple[FastAPI, str], signed_in: bool
) -> None:
    app, token = fuzzed
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Token {token}"} if signed_in else {}
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        # Valid requests, and requests that break the schema (hostile input): either kind
        # must get a documented answer, never a server error.
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                fuzz()
            except Unsatisfiable:
                pass  # nothing of it can be made invalid: no parameter, no body
            except (AssertionError, BaseExceptionGroup) as exc:  # every failure, at once
                failures[f"{operation.label} ({mode.value})"] = _describe(exc)
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())
