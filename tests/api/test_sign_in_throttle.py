"""Password guessing is slowed down: failed sign-ins per account and per client address
(defaults: 5 and 20 in 15 minutes) then answer 429 with Retry-After; an unknown e-mail and
a wrong password look and take the same."""

from __future__ import annotations

import statistics
import time

import httpx

from tests.api.conftest import PASSWORD, Account, register

INVALID = {"errors": {"credentials": ["invalid"]}}


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/users/login", json={"user": {"email": email, "password": password}}
    )


async def test_an_account_is_throttled_after_five_failures_even_for_the_right_password(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    for _ in range(5):
        response = await _sign_in(client, alice.email, "wrong")
        assert response.status_code == 401
        assert response.json() == INVALID
    throttled = await _sign_in(client, alice.email, PASSWORD)
    assert throttled.status_code == 429
    wait = int(throttled.headers["retry-after"])
    assert 890 <= wait <= 900
    assert throttled.json() == {
        "errors": {"credentials": [f"too many failed sign-ins; try again in {wait} seconds"]}
    }
    # Another account from the same address is not affected (yet).
    assert (await _sign_in(client, bob.email, PASSWORD)).status_code == 200


async def test_a_success_forgives_the_accounts_earlier_failures(
    client: httpx.AsyncClient, alice: Account
) -> None:
    for _ in range(4):
        assert (await _sign_in(client, alice.email, "wrong")).status_code == 401
    assert (await _sign_in(client, alice.email, PASSWORD)).status_code == 200
    for _ in range(4):
        assert (await _sign_in(client, alice.email, "wrong")).status_code == 401
    assert (await _sign_in(client, alice.email, PASSWORD)).status_code == 200


async def test_an_address_is_throttled_after_twenty_failures_across_accounts(
    client: httpx.AsyncClient, alice: Account
) -> None:
    for n in range(20):
        response = await _sign_in(client, f"nobody{n}@example.org", "guess")
        assert response.status_code == 401, n
    throttled = await _sign_in(client, alice.email, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0


async def test_unknown_email_and_wrong_password_answer_alike(
    client: httpx.AsyncClient,
) -> None:
    people = [await register(client) for _ in range(2)]
    timings: dict[str, list[float]] = {"unknown": [], "wrong": []}
    answers = set()
    for round_ in range(4):
        for kind, email in (
            ("unknown", f"ghost{round_}@example.org"),
            ("wrong", people[round_ % 2].email),
        ):
            started = time.perf_counter()
            response = await _sign_in(client, email, "not the password")
            timings[kind].append(time.perf_counter() - started)
            answers.add((response.status_code, response.text))
    assert answers == {(401, '{"errors":{"credentials":["invalid"]}}')}
    ratio = statistics.median(timings["unknown"]) / statistics.median(timings["wrong"])
    assert 0.5 < ratio < 2.0, timings
