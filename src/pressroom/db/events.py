"""Engine events: the slow-query log, and its count for ``/metrics``."""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Engine, event

logger = logging.getLogger("pressroom.sql.slow")
SLOW_QUERIES = Counter("pressroom_slow_queries_total", "Statements slower than the threshold.")

MAX_LOGGED_STATEMENT = 1000
_STARTED = "pressroom_query_started"


def _shorten(statement: str) -> str:
    flat = " ".join(statement.split())
    if len(flat) <= MAX_LOGGED_STATEMENT:
        return flat
    return flat[:MAX_LOGGED_STATEMENT] + "..."


def install_slow_query_log(engine: Engine, threshold_ms: float) -> None:
    """Log every statement slower than ``threshold_ms``: its duration and text, never parameters.

    Parameters hold passwords, e-mail addresses and article text; the statement alone says
    which query to look at.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info.setdefault(_STARTED, []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _finish(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started = conn.info[_STARTED].pop()
        elapsed_ms = (time.perf_counter() - started) * 1000
        if elapsed_ms >= threshold_ms:
            SLOW_QUERIES.inc()
            logger.warning("slow query (%.1f ms): %s", elapsed_ms, _shorten(statement))

    @event.listens_for(engine, "handle_error")
    def _forget(context: Any) -> None:
        # A failed statement never reaches after_cursor_execute: drop its start time.
        stack = context.connection.info.get(_STARTED) if context.connection else None
        if stack:
            stack.pop()
