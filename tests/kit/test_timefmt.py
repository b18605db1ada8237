"""The wire's timestamps: exactly what ``isoformat`` says, cut to milliseconds, with ``Z``."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pressroom.kit.timefmt import iso_ms


def _reference(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 24, 10, 11, 12, 345678, tzinfo=UTC), "2026-11-24T10:11:12.345Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC), "2026-01-02T03:04:05.000Z"),
        (datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "2026-12-31T23:59:59.999Z"),
        (datetime(999, 1, 1, tzinfo=UTC), "0999-01-01T00:00:00.000Z"),
        # Another zone is the same instant in UTC, across a day and a year.
        (
            datetime(2027, 1, 1, 0, 30, 0, 1000, tzinfo=timezone(timedelta(hours=2))),
            "2026-12-31T22:30:00.001Z",
        ),
    ],
)
def test_known_moments(moment: datetime, expected: str) -> None:
    assert iso_ms(moment) == expected


def test_agrees_with_isoformat_on_random_moments() -> None:
    rng = random.Random(20261201)
    zones = [UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))]
    start = datetime(1970, 1, 1, tzinfo=UTC)
    for _ in range(5000):
        moment = start + timedelta(microseconds=rng.randrange(100 * 365 * 86_400 * 10**6))
        moment = moment.astimezone(rng.choice(zones))
        assert iso_ms(moment) == _reference(moment)
