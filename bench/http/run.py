"""How close does pressroom's HTTP API come to the floor of its stack, and how far is it
from the way that stack is usually used?

Sets up a throwaway PostgreSQL database with the standard seeded publication, serves it
with ``pressroom serve``, with the floor (``floor.py``: the same anonymous answers from a
raw asyncpg pool, one SQL statement each), with the stack's floor (``stack_floor.py``:
the floor's statements through FastAPI and SQLAlchemy's engine) and with the typical
implementation (``typical.py``: ORM entities, eager loading and response models, as
FastAPI + SQLAlchemy apps are usually written), checks that all four answer the same
bodies, then drives them with wrk in interleaved rounds:

- S1, database-intensive: every page of ``/api/articles?limit=10&offset=...``;
- S2, runtime-intensive: ``/api/tags``, then each article, its comments, its author;
- S3, signed-in mix (pressroom only): feeds and lists per viewer, 10% writes.

It prints medians of requests per second, latency, server and PostgreSQL CPU per
request, peak memory per worker, and each target as PASS or MISS.

    .venv/bin/python bench/http/run.py                    # about 6 minutes
    .venv/bin/python bench/http/run.py --duration 5 --rounds 1 --scenarios S1
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import check
import load
import proc
import stack
from stack import HarnessError, Server

from pressroom.transfer.seed import SEED_PASSWORD

OUT = stack.OUT
READ_SCENARIOS = ("S1", "S2")
SCRIPT = {"S1": "paths.lua", "S2": "paths.lua", "S3": "mix.lua"}
MB = 1024 * 1024

# The targets, printed beside the figures.
RATIO_TARGET = 0.40  # pressroom req/s over the floor's, with one worker
CPU_TARGET_MS = {"S1": 0.8, "S2": 0.4}
# pressroom against the typical implementation, as CPU per request measured in the same
# run: the goal's "at least 5x", in a figure that does not move with the machine. The goal
# was set on the listing page (S1); S2's ratio is printed beside it.
TYPICAL_TARGET = 5.0
TYPICAL_TARGET_SCENARIO = "S1"
S3_P99_TARGET_MS = 100.0
RSS_TARGET_MB = 150
# The CPU targets are absolute, and this machine's speed is not: from one hour to the next
# every server's CPU per request moves up to twofold together. The goal set them on a
# machine where the floor spent about 0.17 ms per listing page; pressroom's CPU is also
# printed scaled to that speed, by the floor's S1 figure of the same run.
REFERENCE_FLOOR_S1_MS = 0.17


@dataclass(frozen=True)
class Measured:
    window: load.Window
    server_cpu_ms: float
    postgres_cpu_ms: float
    new_connections: int

    @property
    def server_ms_per_request(self) -> float:
        return self.server_cpu_ms / max(self.window.requests, 1)

    @property
    def postgres_ms_per_request(self) -> float:
        return self.postgres_cpu_ms / max(self.window.requests, 1)


@dataclass
class Bench:
    options: argparse.Namespace
    data: dict[str, Path]

    def drive(self, server: Server, scenario: str, seconds: float) -> Measured:
        """One window of load, with the CPU both servers' trees and PostgreSQL spent in it."""
        pids = proc.tree(server.pid)
        before = proc.cpu_ticks(pids)
        with proc.BackendCpu(stack.DATABASE_NAME) as postgres:
            window = load.wrk(
                server.base,
                SCRIPT[scenario],
                self.data[scenario],
                seconds=seconds,
                connections=self.options.connections,
                threads=self.options.threads,
            )
        server_ms = proc.cpu_ms_between(before, proc.cpu_ticks(pids))
        return Measured(window, server_ms, postgres.cpu_ms, postgres.new_backends)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per window")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per pair")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="worker processes per server")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--scenarios", default="S1,S2,S3", help="comma-separated")
    parser.add_argument(
        "--floor-html",
        choices=["cache", "render", "startup"],
        default="cache",
        help="the floors get bodyHtml from pressroom's cache (as pressroom does), render it on"
        " every read, or render every body once at start-up",
    )
    parser.add_argument(
        "--profile", action="store_true", help="then py-spy pressroom during each scenario"
    )
    options = parser.parse_args()
    options.scenarios = [name.strip().upper() for name in options.scenarios.split(",")]
    unknown = set(options.scenarios) - set(SCRIPT)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if options.connections < options.threads:
        parser.error("--connections must be at least --threads")
    return options


def _prepare_data(
    folder: Path, pressroom: Server, floors: dict[str, Server], url: str, scenarios: list[str]
) -> dict[str, Path]:
    """Scenario data for wrk, after checking that the floors answer what pressroom does."""
    publication = load.read_publication(pressroom.base)
    print(f"publication: {publication.count} published articles")
    for name, floor in floors.items():
        problems = check.compare(pressroom.base, floor.base, check.sample_paths(publication))
        if problems:
            print(f"\n{name} does not answer what pressroom answers:")
            for problem in problems[:40]:
                print(f"  {problem}")
            raise HarnessError(f"{len(problems)} differences between pressroom and {name}")
    print(f"same bodies: pressroom and {' and '.join(floors)} agree on every sampled request")
    data = {
        "S1": load.write_data(folder, "s1", {"paths": load.s1_paths(publication)}),
        "S2": load.write_data(folder, "s2", {"paths": load.s2_paths(publication)}),
    }
    if "S3" in scenarios:
        users = load.log_in(pressroom.base, stack.users(url), SEED_PASSWORD)
        print(f"S3: {len(users)} users logged in")
        mix = {"users": users, "slugs": publication.slugs}
        data["S3"] = load.write_data(folder, "s3", mix)
    return data


def _measure(
    bench: Bench, servers: dict[str, Server], scenarios: list[str]
) -> dict[tuple[str, str], list[Measured]]:
    """Warm-up, then interleaved rounds (pressroom and floor alternate who goes first)."""
    options = bench.options
    reads = [name for name in scenarios if name in READ_SCENARIOS]
    plan = [(scenario, name) for scenario in reads for name in servers]
    if "S3" in scenarios:
        plan.append(("S3", "pressroom"))
    for scenario, name in plan:
        bench.drive(servers[name], scenario, options.warmup)
    results: dict[tuple[str, str], list[Measured]] = {key: [] for key in plan}
    for round_number in range(1, options.rounds + 1):
        order = list(servers) if round_number % 2 else list(reversed(servers))
        # Reads first: the writes of S3 then change the publication only after them.
        steps = [(scenario, name) for scenario in reads for name in order]
        if "S3" in scenarios:
            steps.append(("S3", "pressroom"))
        for scenario, name in steps:
            measured = bench.drive(servers[name], scenario, options.duration)
            results[scenario, name].append(measured)
            window = measured.window
            print(
                f"round {round_number}/{options.rounds}  {scenario} {name:<9}"
                f" {window.rate:8.0f} req/s  p99 {window.p99_ms:7.1f} ms"
                f"  non-2xx {window.non2xx:<5} server {measured.server_ms_per_request:.2f}"
                f" ms/req  postgres {measured.postgres_ms_per_request:.2f} ms/req"
                f"  new connections {measured.new_connections}"
            )
    return results


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _server_ms(results: dict[tuple[str, str], list[Measured]], scenario: str, name: str) -> float:
    """A server's median CPU per request over the rounds of one scenario."""
    return _median([m.server_ms_per_request for m in results[scenario, name]])


def _target(text: str, verdict: bool | str) -> None:
    if isinstance(verdict, bool):
        verdict = "PASS" if verdict else "MISS"
    print(f"  {text:<64}{verdict}")


def _cpu_layers(results: dict[tuple[str, str], list[Measured]]) -> None:
    """Server CPU per request, layer on layer: the floor (uvicorn and asyncpg), the stack
    (FastAPI and SQLAlchemy's engine, same statements), then what pressroom adds."""
    lines = []
    for scenario in READ_SCENARIOS:
        cpu = {
            name: _server_ms(results, scenario, name)
            for name in ("floor", "stack", "pressroom")
            if (scenario, name) in results
        }
        if len(cpu) == 3:
            lines.append(
                f"  {scenario}  floor {cpu['floor']:.3f}"
                f"  + FastAPI and SQLAlchemy {cpu['stack'] - cpu['floor']:.3f}"
                f" = stack {cpu['stack']:.3f}"
                f"  + pressroom's own {cpu['pressroom'] - cpu['stack']:.3f}"
                f" = pressroom {cpu['pressroom']:.3f}"
            )
    if lines:
        print("\nserver CPU per request, layer on layer (ms, medians)")
        print("\n".join(lines))


def report(
    results: dict[tuple[str, str], list[Measured]],
    peak_bytes: dict[str, int],
    options: argparse.Namespace,
) -> None:
    """The table of medians, then each target with PASS or MISS."""
    print(
        f"\nmedians over {options.rounds} rounds of {options.duration:g} s;"
        f" {options.workers} worker(s) per server; wrk -t{options.threads}"
        f" -c{options.connections}"
    )
    header = (
        f"{'scenario':<9}{'server':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
        f"{'server CPU':>12}{'PG CPU':>10}{'new PG':>8}{'vs floor':>10}"
    )
    print(header)
    print(f"{'':<46}{'ms/req':>12}{'ms/req':>10}{'conns':>8}")
    rates = {key: _median([m.window.rate for m in runs]) for key, runs in results.items()}
    for (scenario, name), runs in results.items():
        rate = rates[scenario, name]
        floor_rate = rates.get((scenario, "floor"))
        ratio = f"{rate / floor_rate:.0%}" if name == "pressroom" and floor_rate else ""
        print(
            f"{scenario:<9}{name:<10}{rate:>9.0f}"
            f"{_median([m.window.p50_ms for m in runs]):>9.2f}"
            f"{_median([m.window.p99_ms for m in runs]):>9.2f}"
            f"{sum(m.window.non2xx + m.window.socket_errors for m in runs):>9}"
            f"{_median([m.server_ms_per_request for m in runs]):>12.3f}"
            f"{_median([m.postgres_ms_per_request for m in runs]):>10.3f}"
            f"{_median([m.new_connections for m in runs]):>8.0f}{ratio:>10}"
        )
    for name, peak in peak_bytes.items():
        print(f"peak RSS per process, {name}: {peak / MB:.0f} MB")
    _cpu_layers(results)

    print("\ntargets")
    for scenario in READ_SCENARIOS:
        if (scenario, "pressroom") not in results:
            continue
        ratio = rates[scenario, "pressroom"] / rates[scenario, "floor"]
        _target(
            f"{scenario} pressroom >= {RATIO_TARGET:.0%} of floor req/s (1 worker): {ratio:.0%}",
            ratio >= RATIO_TARGET if options.workers == 1 else "n/a (--workers is not 1)",
        )
        cpu = _server_ms(results, scenario, "pressroom")
        limit = CPU_TARGET_MS[scenario]
        _target(f"{scenario} server CPU <= {limit} ms/req: {cpu:.3f} ms", cpu <= limit)
        typical = _server_ms(results, scenario, "typical")
        times = f"{typical / cpu:.1f}x ({typical:.3f} ms)"
        if scenario == TYPICAL_TARGET_SCENARIO:
            _target(
                f"{scenario} server CPU >= {TYPICAL_TARGET:g}x less than the typical's: {times}",
                typical / cpu >= TYPICAL_TARGET,
            )
        else:
            _target(f"{scenario} server CPU less than the typical's: {times}", "(no target)")
    if ("S3", "pressroom") in results:
        runs = results["S3", "pressroom"]
        errors = sum(m.window.non2xx + m.window.socket_errors for m in runs)
        p99 = _median([m.window.p99_ms for m in runs])
        _target(
            f"S3 no errors and p99 < {S3_P99_TARGET_MS:.0f} ms: {errors} errors, p99 {p99:.1f} ms",
            errors == 0 and p99 < S3_P99_TARGET_MS,
        )
        statuses: dict[str, int] = {}
        for m in runs:
            for status, count in m.window.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        print(f"    S3 statuses: {dict(sorted(statuses.items()))}")
    rss = peak_bytes.get("pressroom", 0) / MB
    _target(f"pressroom RSS per worker < {RSS_TARGET_MB} MB: {rss:.0f} MB", rss < RSS_TARGET_MB)
    _at_reference_speed(results)


def _at_reference_speed(results: dict[tuple[str, str], list[Measured]]) -> None:
    """pressroom's CPU per request as it would be where the floor spends
    ``REFERENCE_FLOOR_S1_MS`` per S1 page: a reading of the CPU targets that does not move
    with the machine's speed. Printed beside them, not instead of them."""
    if ("S1", "floor") not in results:
        return
    floor = _server_ms(results, "S1", "floor")
    scale = REFERENCE_FLOOR_S1_MS / floor
    print(
        f"\nat the goal's machine speed (the floor at {REFERENCE_FLOOR_S1_MS} ms per S1 page;"
        f" here {floor:.3f} ms, so x{scale:.2f}):"
    )
    for scenario in READ_SCENARIOS:
        if (scenario, "pressroom") in results:
            cpu = _server_ms(results, scenario, "pressroom")
            print(
                f"  {scenario} pressroom {cpu * scale:.3f} ms/req"
                f" (target {CPU_TARGET_MS[scenario]} ms)"
            )


def _machine_speed() -> str:
    """The interpreter, and how long it takes over a fixed loop of additions: a gauge of
    how fast this machine runs Python in this hour, to read the CPU figures beside."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    seconds = time.process_time() - started
    return (
        f"python {platform.python_version()} ({sys.executable});"
        f" ten million additions in {seconds:.2f} s of CPU"
    )


def run(options: argparse.Namespace) -> None:
    stack.ensure_wrk()
    OUT.mkdir(exist_ok=True)
    print(_machine_speed())
    with stack.database() as url, tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        env = stack.pressroom_env(url)
        print(f"seeding {stack.DATABASE_NAME} (pressroom db upgrade, pressroom seed)")
        stack.seed(env)
        with (
            stack.pressroom(env, options.workers) as pressroom,
            stack.floor(url, options.workers, options.floor_html) as floor,
            stack.floor(url, options.workers, options.floor_html, "stack_floor") as stack_floor,
            stack.floor(url, options.workers, options.floor_html, "typical") as typical,
        ):
            floors = {"floor": floor, "stack": stack_floor, "typical": typical}
            servers = {"pressroom": pressroom, **floors}
            data = _prepare_data(Path(folder), pressroom, floors, url, options.scenarios)
            bench = Bench(options, data)
            roots = {name: server.pid for name, server in servers.items()}
            with proc.PeakMemory(roots) as memory:
                results = _measure(bench, servers, options.scenarios)
            if options.profile:
                import profile_pressroom

                profile_pressroom.profile(
                    bench, pressroom, options.duration, OUT, options.scenarios
                )
        report(results, memory.peak_bytes, options)


def main() -> None:
    options = _options()
    try:
        run(options)
    except HarnessError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
