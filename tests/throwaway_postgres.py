"""A PostgreSQL server of the test's own, on a free loopback port, that it may stop and
start at will: ``initdb`` into a temporary folder, ``pg_ctl`` to run it; a streaming
standby of it, a read replica that lags as much as the test asks; and a PgBouncer of its
own in front of it.

PostgreSQL refuses to run as root, so under root every command runs as the ``postgres``
system user (which the Debian package creates), in a folder that user owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn, Protocol

import pytest

from tests.databases import REQUIRE_ALL

SYSTEM_USER = "postgres"


class CannotRun(RuntimeError):
    """No PostgreSQL server binaries here, or no user that may run them."""


class _Removable(Protocol):
    def remove(self) -> None: ...


def give_up(what: str, reason: CannotRun, *started: _Removable | None) -> NoReturn:
    """Remove what was started, then skip the test, or fail it where every database is
    required (CI)."""
    for server in started:
        if server is not None:
            server.remove()
    message = f"cannot run {what}: {reason}"
    if REQUIRE_ALL:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _binaries() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent  # past a link to it, to the other programs
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        raise CannotRun("no pg_ctl on PATH or under /usr/lib/postgresql")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """A server of its own; ``settings`` are passed to it as ``-c name=value`` each start."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.bin = _binaries()
        self.settings = settings or {}
        self.as_root = os.geteuid() == 0
        # Who runs the servers and owns their folders under root; None: this user.
        self.owner: pwd.struct_passwd | None = None
        if self.as_root:
            try:
                self.owner = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise CannotRun(f"running as root and there is no {SYSTEM_USER!r} user") from None
        self.folder = Path(tempfile.mkdtemp(prefix="pressroom-pg-"))
        if self.owner is not None:
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)
        self.data = self.folder / "data"
        self.port = _free_port()
        self._create_data()

    def _create_data(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise CannotRun(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=100"
        )
        options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def configure(self, **settings: str) -> None:
        """``ALTER SYSTEM SET`` each of ``settings``, then reload, on the running server."""
        for name, value in settings.items():
            quoted = value.replace("'", "''")
            _query(self.port, f"ALTER SYSTEM SET {name} = '{quoted}'")
        _query(self.port, "SELECT pg_reload_conf()")

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean shutdown; ``immediate``: as if the server crashed."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(CannotRun):  # not running
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayStandby(ThrowawayPostgres):
    """A hot standby of ``primary``, fed by streaming replication: ``pg_basebackup -R`` of
    the running primary, then recovery for good. It applies what it receives no sooner
    than ``apply_delay_ms`` after the primary committed it, so a read sent to it right
    after a write misses that write, unless the primary waited for the standby to apply
    it (``synchronous_commit = remote_apply`` with the standby named in the primary's
    ``synchronous_standby_names``, as ``walreceiver``: it has no name of its own)."""

    def __init__(self, primary: ThrowawayPostgres, apply_delay_ms: int = 0) -> None:
        self.primary = primary
        super().__init__({"recovery_min_apply_delay": f"{apply_delay_ms}ms"})

    def _create_data(self) -> None:
        self._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres"),
            *("-D", str(self.data), "-R", "-X", "stream", "--no-sync"),
        )

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until this standby has applied everything the primary has written so far."""
        target = _query(self.primary.port, "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _query(self.port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'") == "t":
                return
            time.sleep(0.05)
        raise CannotRun(f"the standby did not catch up with {target} in {timeout} s")


def _query(port: int, sql: str) -> str:
    """One value from a server of these, by psql (the tests' drivers stay out of it)."""
    psql = _binaries() / "psql"
    command = [str(psql), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-Atc", sql]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


class ThrowawayPgBouncer:
    """PgBouncer in transaction mode on a free loopback port, in front of ``postgres``.

    It lends each transaction one of ``server_connections`` server connections, in turn,
    so consecutive transactions of one client land on different server connections. Like
    PostgreSQL, it refuses to run as root: under root it runs as the ``postgres`` user.
    """

    def __init__(self, postgres: ThrowawayPostgres, server_connections: int = 2) -> None:
        found = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
        if not found:
            raise CannotRun("no pgbouncer (apt-get install pgbouncer)")
        self.binary = found
        self.owner = postgres.owner
        self.folder = Path(tempfile.mkdtemp(prefix="pressroom-pgbouncer-"))
        self.port = _free_port()
        self.config = self.folder / "pgbouncer.ini"
        settings = {
            "listen_addr": "127.0.0.1",
            "listen_port": self.port,
            "unix_socket_dir": "",
            "auth_type": "trust",
            "auth_file": self.folder / "users.txt",
            "pool_mode": "transaction",
            "default_pool_size": server_connections,
            # Lend server connections in turn, not the last one freed: a client's next
            # transaction goes to another one, as under a busy production pooler.
            "server_round_robin": 1,
            "max_client_conn": 200,
            "logfile": self.folder / "pgbouncer.log",
            "pidfile": self.folder / "pgbouncer.pid",
        }
        lines = ["[databases]", f"* = host=127.0.0.1 port={postgres.port}", "[pgbouncer]"]
        lines += [f"{name} = {value}" for name, value in settings.items()]
        self.config.write_text("\n".join(lines) + "\n")
        (self.folder / "users.txt").write_text('"postgres" ""\n')
        if self.owner is not None:
            for path in (self.folder, *self.folder.iterdir()):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        as_owner = ["-u", self.owner.pw_name] if self.owner is not None else []
        command = [self.binary, "-d", *as_owner]
        done = subprocess.run([*command, str(self.config)], capture_output=True, text=True)
        if done.returncode != 0:
            raise CannotRun(f"pgbouncer failed: {done.stderr.strip() or done.stdout.strip()}")
        for _ in range(100):  # it forks into the background: wait until it listens
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise CannotRun(f"pgbouncer did not listen on port {self.port}")

    def remove(self) -> None:
        pidfile = self.folder / "pgbouncer.pid"
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
        shutil.rmtree(self.folder, ignore_errors=True)
