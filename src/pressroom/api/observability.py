"""What operators see of the running app: one log line per request, and Prometheus metrics.

The log line is JSON: method, path (never the query string, which may carry search terms
or tokens pasted by mistake), status, duration and a request id, which is also sent back
as ``X-Request-ID`` (a client's own id is kept when it looks like one).

``/metrics`` serves, in Prometheus' text format: requests and their latencies by route
template and status, the database pools' connections, and slow statements. Each worker
process keeps its own; with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` and
prometheus_client adds them up (see its documentation).
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Iterator
from functools import lru_cache

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from starlette.types import Scope

access_log = logging.getLogger("pressroom.access")

REQUESTS = Counter("pressroom_requests_total", "Requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "pressroom_request_duration_seconds",
    "Time to answer a request.",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id(scope: Scope) -> str:
    """The client's own request id when it looks like one, else a new one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            given = str(value.decode("latin-1"))
            if _CLIENT_ID.match(given):
                return given
    # 128 random bits to tell requests apart in the logs, not a secret: the process's own
    # generator (reseeded in every worker) costs nothing, where asking the kernel for
    # fresh random bytes was over 1% of a read's CPU.
    return f"{random.getrandbits(128):032x}"


# Each request's series, looked up once per kind of request rather than by
# ``labels()`` on every one (a lock and a tuple of its labels each time).
@lru_cache(maxsize=4096)
def _requests_of(method: str, route: str, status: str) -> Counter:
    return REQUESTS.labels(method, route, status)


@lru_cache(maxsize=1024)
def _latency_of(method: str, route: str) -> Histogram:
    return LATENCY.labels(method, route)


def _route_of(scope: Scope) -> str:
    """The route template, not the path: one series per endpoint, not one per slug.

    Every route of the app is declared with its full path (no router adds a prefix to
    it); the static files count as their mount, ``/static``."""
    return getattr(scope.get("route"), "path", None) or "unmatched"


def record(method: str, scope: Scope, status: int, seconds: float, request_id: str) -> None:
    """Log and count an answered request (``pressroom.api.middleware.EveryAnswer``): by the
    method it was asked with, which for a HEAD is not the one it was routed with."""
    route = _route_of(scope)
    _requests_of(method, route, str(status)).inc()
    _latency_of(method, route).observe(seconds)
    if access_log.isEnabledFor(logging.INFO):  # no JSON built for a silenced log
        access_log.info(
            json.dumps(
                {
                    "method": method,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "request_id": request_id,
                }
            )
        )


class PoolCollector(Collector):
    """The connections of each database pool, read when Prometheus asks."""

    def __init__(self) -> None:
        self.engines: dict[str, AsyncEngine] = {}

    def watch(self, engines: dict[str, AsyncEngine]) -> None:
        self.engines = dict(engines)

    def collect(self) -> Iterator[Metric]:
        in_use = GaugeMetricFamily(
            "pressroom_db_connections_in_use", "Connections lent to requests.", labels=["pool"]
        )
        idle = GaugeMetricFamily(
            "pressroom_db_connections_idle",
            "Open connections waiting in the pool.",
            labels=["pool"],
        )
        for name, engine in self.engines.items():
            pool = engine.sync_engine.pool
            if isinstance(pool, QueuePool):
                in_use.add_metric([name], pool.checkedout())
                idle.add_metric([name], pool.checkedin())
        yield in_use
        yield idle


# One per process, like the other metrics; the app's lifespan tells it which engines.
POOLS = PoolCollector()
REGISTRY.register(POOLS)

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus' text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
