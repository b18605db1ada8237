"""``pressroom serve`` behind a load balancer: the client's address and scheme come from the
``X-Forwarded-*`` headers of the proxies named in ``PRESSROOM_FORWARDED_ALLOW_IPS``, and
from nobody else's."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.served import served

SIGN_INS_PER_ADDRESS = 3


def _sign_in(base: str, n: int, client: str) -> int:
    wrong = {"user": {"email": f"nobody{n}@example.org", "password": "not-the-password"}}
    headers = {"X-Forwarded-For": client}
    return httpx.post(f"{base}/api/users/login", json=wrong, headers=headers).status_code


def test_a_named_proxy_speaks_for_its_clients(tmp_path: Path) -> None:
    with served(
        tmp_path,
        forwarded_allow_ips="10.0.0.0/8,127.0.0.1",
        sign_in_failures_per_address=str(SIGN_INS_PER_ADDRESS),
    ) as base:
        https = httpx.get(f"{base}/api/tags", headers={"X-Forwarded-Proto": "https"})
        one_client = [_sign_in(base, n, "203.0.113.7") for n in range(SIGN_INS_PER_ADDRESS + 1)]
        another_client = _sign_in(base, 99, "198.51.100.4")

    assert "strict-transport-security" in https.headers  # it came over HTTPS
    # Each client has its own limit, not the balancer's address shared by all.
    assert one_client == [401] * SIGN_INS_PER_ADDRESS + [429]
    assert another_client == 401


def test_anyone_else_cannot_claim_an_address_or_a_scheme(tmp_path: Path) -> None:
    with served(
        tmp_path,
        forwarded_allow_ips="10.0.0.1",  # not this test, which connects from 127.0.0.1
        sign_in_failures_per_address=str(SIGN_INS_PER_ADDRESS),
    ) as base:
        https = httpx.get(f"{base}/api/tags", headers={"X-Forwarded-Proto": "https"})
        claims = [_sign_in(base, n, f"203.0.113.{n}") for n in range(SIGN_INS_PER_ADDRESS + 1)]

    assert "strict-transport-security" not in https.headers
    assert claims == [401] * SIGN_INS_PER_ADDRESS + [429]  # all counted as 127.0.0.1
