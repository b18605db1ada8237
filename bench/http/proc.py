"""CPU time and memory of process trees, read from /proc (Linux only)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Stat:
    parent: int
    # utime + stime, plus cutime + cstime: children that ended were waited for by their
    # parent, so their time is not lost.
    cpu_ticks: int
    rss_bytes: int


def stat(pid: int) -> Stat | None:
    """A process's parent, CPU ticks and resident memory; None once it has gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name may hold spaces and parentheses: fields start after the last ")".
    fields = raw[raw.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return Stat(int(fields[1]), utime + stime + cutime + cstime, int(fields[21]) * PAGE_BYTES)


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def tree(root: int) -> list[int]:
    """``root`` and all of its descendants (a server's master and workers)."""
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        found = stat(pid)
        if found is not None:
            children.setdefault(found.parent, []).append(pid)
    pids, pending = [], [root]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        pending.extend(children.get(pid, []))
    return pids


def postgres_backends(database: str) -> list[int]:
    """Backends connected to ``database``: other databases on the server are not counted."""
    pids = []
    for pid in _all_pids():
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, UnicodeDecodeError):
            continue
        # A backend's title: "postgres: [<cluster name>:] <user> <database> <client> <state>".
        words = title.split()
        if words[:1] == ["postgres:"] and database in words[2:4]:
            pids.append(pid)
    return pids


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    return {pid: found.cpu_ticks for pid in pids if (found := stat(pid)) is not None}


def cpu_ms_between(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU milliseconds spent between two snapshots; a process new in ``after`` counts fully."""
    ticks = sum(value - before.get(pid, 0) for pid, value in after.items())
    return ticks * 1000 / CLOCK_TICKS


class Repeating:
    """Calls ``sample`` every ``seconds`` on a background thread until it is stopped."""

    def __init__(self, sample: Callable[[], None], seconds: float) -> None:
        self._sample = sample
        self._seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._seconds):
            self._sample()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class BackendCpu:
    """CPU of a database's PostgreSQL backends over a window, sampled in the background.

    A pool may close a connection during the window: its backend's last sample still
    counts. Only a backend that lives less than one sampling interval escapes.
    """

    database: str
    every_seconds: float = 0.25
    _start: dict[int, int] = field(default_factory=dict)
    _latest: dict[int, int] = field(default_factory=dict)
    _sampler: Repeating | None = None

    def _sample(self) -> None:
        self._latest |= cpu_ticks(postgres_backends(self.database))

    def __enter__(self) -> BackendCpu:
        self._start = cpu_ticks(postgres_backends(self.database))
        self._sampler = Repeating(self._sample, self.every_seconds)
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sampler is not None:
            self._sampler.stop()
        self._sample()

    @property
    def cpu_ms(self) -> float:
        return cpu_ms_between(self._start, self._latest)

    @property
    def new_backends(self) -> int:
        """Connections opened during the window (a pool that keeps its own opens none)."""
        return len(self._latest.keys() - self._start.keys())


@dataclass
class PeakMemory:
    """Samples the largest resident size of any process of each tree, in the background."""

    roots: dict[str, int]
    every_seconds: float = 1.0
    peak_bytes: dict[str, int] = field(default_factory=dict)
    _sampler: Repeating | None = None

    def sample(self) -> None:
        for name, root in self.roots.items():
            for pid in tree(root):
                found = stat(pid)
                if found is not None and found.rss_bytes > self.peak_bytes.get(name, 0):
                    self.peak_bytes[name] = found.rss_bytes

    def __enter__(self) -> PeakMemory:
        self.sample()
        self._sampler = Repeating(self.sample, self.every_seconds)
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sampler is not None:
            self._sampler.stop()
