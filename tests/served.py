"""``pressroom serve`` as a real process on a free loopback port, for tests that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(folder: Path, *, workers: int = 1, **settings: str) -> Iterator[str]:
    """The base URL of a server on a SQLite database in ``folder``, ready to answer; its
    output goes to ``folder/server.log``. ``settings`` are PRESSROOM_ variables."""
    port = free_port()
    env = os.environ | {
        "PRESSROOM_DATABASE_URL": f"sqlite:///{folder}/served.db",
        "PRESSROOM_DATA_DIR": str(folder),
        "PRESSROOM_LOG_LEVEL": "WARNING",
        **{f"PRESSROOM_{name.upper()}": value for name, value in settings.items()},
    }
    command = [str(Path(sys.executable).parent / "pressroom"), "serve", "--port", str(port)]
    log_path = folder / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(15)
