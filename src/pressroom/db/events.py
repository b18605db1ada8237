"""Engine events: the slow-query log, and its count for ``/metrics``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Engine, event

logger = logging.getLogger("pressroom.sql.slow")
SLOW_QUERIES = Counter("pressroom_slow_queries_total", "Statements slower than the threshold.")

MAX_LOGGED_STATEMENT = 1000


def _shorten(statement: str) -> str:
    flat = " ".join(statement.split())
    if len(flat) <= MAX_LOGGED_STATEMENT:
        return flat
    return flat[:MAX_LOGGED_STATEMENT] + "..."


def install_slow_query_log(engine: Engine, threshold_ms: float) -> None:
    """Log every statement slower than ``threshold_ms``: its duration and text, never parameters.

    Parameters hold passwords, e-mail addresses and article text; the statement alone says
    which query to look at. A statement that fails once past the threshold (one stopped by
    the statement timeout) is logged too.

    Each statement is timed around the dialect's own execute, in the dialect's events that
    may take that call over (``do_execute`` and its siblings for statements without
    parameters and for batches). Listening to the connection's events instead
    (``before_cursor_execute`` and ``after_cursor_execute``) would make every connection
    run its whole event machinery at every step of every statement, which cost a read
    about 9% of its instructions.
    """
    dialect = engine.dialect

    def executed_and_timed(statement: str, execute: Callable[..., None], *args: Any) -> bool:
        started = time.perf_counter()
        try:
            execute(*args)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            if elapsed_ms >= threshold_ms:
                SLOW_QUERIES.inc()
                logger.warning("slow query (%.1f ms): %s", elapsed_ms, _shorten(statement))
        return True  # executed here: the dialect does not execute it again

    @event.listens_for(engine, "do_execute")
    def _execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        args = (cursor, statement, parameters, context)
        return executed_and_timed(statement, dialect.do_execute, *args)

    @event.listens_for(engine, "do_execute_no_params")
    def _execute_no_params(cursor: Any, statement: str, context: Any) -> bool:
        args = (cursor, statement, context)
        return executed_and_timed(statement, dialect.do_execute_no_params, *args)

    @event.listens_for(engine, "do_executemany")
    def _execute_many(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        args = (cursor, statement, parameters, context)
        return executed_and_timed(statement, dialect.do_executemany, *args)
