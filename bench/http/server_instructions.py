"""Instructions per request of each whole server, HTTP included: pressroom, the stack's
floor, the floor and the typical implementation, each under callgrind, sent S1's or S2's
requests over a socket.

``instructions.py`` counts the app in-process, without a server around it. This counts
every process of the server as it runs for ``make bench`` (uvicorn, its HTTP parser and
event loop, the app, the driver), so its layers add up to what a request costs, in a
figure that does not move with the machine's load as CPU time does:

    .venv/bin/python bench/http/server_instructions.py                 # S1 and S2
    .venv/bin/python bench/http/server_instructions.py --scenarios S2

On a throwaway database seeded with the standard data set, each server is started under
``valgrind --tool=callgrind`` (installed when missing), warmed up with part of the
scenario, then counted (``callgrind_control -i on``/``off``) while one client sends every
request of the scenario once, in order, on one kept-alive connection. PostgreSQL runs
outside valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import load
import stack
from instructions import ensure_valgrind
from run import TYPICAL_TARGET, TYPICAL_TARGET_SCENARIO
from stack import HarnessError

DATABASE_NAME = "pressroom_bench_server_instructions"
SERVERS = ("floor", "stack", "pressroom", "typical")
# The module each server but pressroom is served from.
MODULES = {"floor": "floor", "stack": "stack_floor", "typical": "typical"}
WARM_UP = 300  # requests sent before counting starts


def _command(server: str, port: int) -> list[str]:
    if server == "pressroom":
        return [str(stack.VENV_BIN / "pressroom"), "serve", "--port", str(port)]
    return stack.floor_command(MODULES[server], port)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 600  # under valgrind, start-up takes a minute or more
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/api/tags", timeout=60).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise HarnessError("a server did not start under valgrind")


def _count(server: str, paths: list[str], env: dict[str, str], folder: Path) -> float:
    """Instructions per request of every process of ``server``, over one pass of ``paths``."""
    port = stack.free_port()
    log = folder / f"{server}.valgrind"
    command = [
        *("valgrind", "--tool=callgrind", "--trace-children=yes", "--instr-atstart=no"),
        f"--callgrind-out-file={folder}/callgrind.{server}.%p",
        *_command(server, port),
    ]
    with log.open("w") as errors:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        with httpx.Client(base_url=base, timeout=120) as client:
            for path in paths[:WARM_UP]:
                client.get(path)
            subprocess.run(["callgrind_control", "-i", "on"], check=True, capture_output=True)
            for path in paths:
                if client.get(path).status_code != 200:
                    raise HarnessError(f"{server}: {path} did not answer 200")
            subprocess.run(["callgrind_control", "-i", "off"], check=True, capture_output=True)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(120)
    # Each process of the tree reports its own total when it exits.
    collected = re.findall(r"Collected : ([\d,]+)", log.read_text())
    if not collected:
        raise HarnessError(f"{server}: callgrind reported nothing; see {log}")
    return sum(int(number.replace(",", "")) for number in collected) / len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default="S1,S2", help="comma-separated: S1, S2")
    options = parser.parse_args()
    scenarios = [name.strip().upper() for name in options.scenarios.split(",")]
    if set(scenarios) - {"S1", "S2"}:
        parser.error("scenarios are S1 and S2")
    figures: dict[tuple[str, str], float] = {}
    try:
        ensure_valgrind()
        with stack.database(DATABASE_NAME) as url, tempfile.TemporaryDirectory() as folder:
            env = stack.pressroom_env(url) | {"FLOOR_DATABASE_URL": url}
            print(f"seeding {DATABASE_NAME} (the standard data set)")
            stack.seed(env)
            with stack.pressroom(env, workers=1) as pressroom:
                publication = load.read_publication(pressroom.base)
            paths = {"S1": load.s1_paths(publication), "S2": load.s2_paths(publication)}
            for scenario in scenarios:
                for server in SERVERS:
                    figures[scenario, server] = _count(server, paths[scenario], env, Path(folder))
                    print(f"{scenario} {server}: {len(paths[scenario])} requests counted")
    except HarnessError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        sys.exit(1)
    print("\ninstructions per request of the whole server (callgrind), HTTP included")
    for scenario in scenarios:
        floor, stack_floor, pressroom, typical = (figures[scenario, name] for name in SERVERS)
        print(
            f"  {scenario}  floor {floor:>11,.0f}"
            f"  + FastAPI and SQLAlchemy {stack_floor - floor:>10,.0f}"
            f" = stack {stack_floor:>11,.0f}"
            f"  + pressroom's own {pressroom - stack_floor:>10,.0f} = pressroom {pressroom:>11,.0f}"
            f"  ({pressroom / floor:.2f}x the floor)"
        )
        target = f" (target >= {TYPICAL_TARGET:g}x)" if scenario == TYPICAL_TARGET_SCENARIO else ""
        print(f"      typical {typical:>11,.0f}: {typical / pressroom:.1f}x pressroom's{target}")


if __name__ == "__main__":
    main()
