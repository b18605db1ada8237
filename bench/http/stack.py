"""What the benchmark runs against: a throwaway database, pressroom, the floor and wrk."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

VENV_BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "out"  # servers' logs and the figures of the last run
ADMIN_URL = os.environ.get(
    "PRESSROOM_BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE_NAME = "pressroom_bench_http"


class HarnessError(RuntimeError):
    """The benchmark could not be set up or run; the message says why."""


def ensure_wrk() -> str:
    """wrk's path, installing the Debian package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk")
    command = ["apt-get", "install", "-y", "wrk"]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    installed = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    found = shutil.which("wrk")
    if installed.returncode != 0 or not found:
        raise HarnessError("could not install wrk: run `apt-get install -y wrk` as root")
    return found


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0].replace("+psycopg", "") + f"/{name}"


def database_exists(name: str) -> bool:
    admin = create_engine(ADMIN_URL)
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            return found.first() is not None
    finally:
        admin.dispose()


@contextmanager
def database(name: str = DATABASE_NAME, *, keep: bool = False) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (unless ``keep``); yields its
    URL."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    drop = text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    try:
        with admin.connect() as connection:
            connection.execute(drop)
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:
        raise HarnessError(f"PostgreSQL at {ADMIN_URL} is not usable: {exc}") from exc
    try:
        yield database_url(name)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(drop)
        admin.dispose()


POOL_SIZE = 30  # per worker, for pressroom and the floor alike


def pressroom_env(url: str) -> dict[str, str]:
    return os.environ | {
        "PRESSROOM_DATABASE_URL": url,
        "PRESSROOM_JWT_SECRET": "bench-http-" + "x" * 40,
        "PRESSROOM_LOG_LEVEL": "WARNING",
        # Under load every statement may queue behind others: do not log them as slow.
        "PRESSROOM_SLOW_QUERY_MS": "600000",
        # The same connections as the floor's pool: none opened and closed under load.
        "PRESSROOM_POOL_SIZE": str(POOL_SIZE),
        "PRESSROOM_MAX_OVERFLOW": "0",
    }


def seed(env: dict[str, str], *plan: str) -> None:
    """Migrate, write a data set (the seed command's defaults: the standard one), then
    vacuum and analyze it.

    Without fresh statistics the planner guesses, and autovacuum may analyze in the
    middle of a round and change the plans between one window and the next. The vacuum
    also sets the visibility map, so index-only scans need not visit the table.
    """
    for args in (["db", "upgrade"], ["seed", *plan]):
        done = subprocess.run(
            [str(VENV_BIN / "pressroom"), *args], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise HarnessError(f"pressroom {' '.join(args)} failed:\n{done.stderr}")
    engine = create_engine(_sync(env["PRESSROOM_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _sync(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def users(url: str) -> list[tuple[str, str]]:
    """(e-mail, username) of every user, in id order."""
    engine = create_engine(_sync(url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT email, username FROM users ORDER BY id"))
            return [(email, username) for email, username in rows]
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    name: str
    pid: int  # the process started; its workers are its descendants
    base: str


@contextmanager
def serving(name: str, command: list[str], env: dict[str, str], port: int) -> Iterator[Server]:
    """Run a server in its own process group until the block ends; wait until it answers."""
    OUT.mkdir(exist_ok=True)
    log = (OUT / f"{name}.log").open("w")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise HarnessError(f"{name} did not start; see {log.name}")
            time.sleep(0.2)
        yield Server(name, process.pid, base)
    finally:
        # The whole group: uvicorn's master and the workers it spawned.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


@contextmanager
def pressroom(env: dict[str, str], workers: int) -> Iterator[Server]:
    port = free_port()
    command = [str(VENV_BIN / "pressroom"), "serve", "--port", str(port)]
    with serving("pressroom", [*command, "--workers", str(workers)], env, port) as server:
        yield server


def floor_command(module: str, port: int, workers: int = 1) -> list[str]:
    """uvicorn serving ``module``'s app (``floor`` or ``stack_floor``), with the loop and
    parser ``pressroom serve`` uses."""
    return [
        *(str(VENV_BIN / "python"), "-m", "uvicorn", f"{module}:app", "--app-dir", str(HERE)),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
        *("--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"),
    ]


@contextmanager
def floor(url: str, workers: int, body_html: str, module: str = "floor") -> Iterator[Server]:
    """The floor app (or ``stack_floor``'s) under uvicorn with the same worker count and the
    same loop and parser."""
    port = free_port()
    env = os.environ | {"FLOOR_DATABASE_URL": url, "FLOOR_BODY_HTML": body_html}
    with serving(module, floor_command(module, port, workers), env, port) as server:
        yield server
