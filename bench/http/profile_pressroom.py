"""Where pressroom's time goes under S1 and S2: py-spy flame graphs and a top-functions list.

For each scenario, two windows of load: one recorded as collapsed stacks (``.txt``; opens in
https://www.speedscope.app), summarized here, and one drawn as a flame graph (``.svg``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Protocol

from stack import VENV_BIN, HarnessError, Server

TOP = 15
# "function (path/to/module.py:123)": the line is dropped so a function counts once.
_LINE = re.compile(r":\d+\)$")
# A thread pool's workers waiting for work: py-spy does not see them as idle.
_IDLE = ("Queue.get (queue.py)", "Condition.wait (threading.py)")


class Driver(Protocol):
    def drive(self, server: Server, scenario: str, seconds: float) -> object: ...


def _py_spy() -> str:
    """py-spy's path, installed into the project's venv when missing."""
    found = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
    if found:
        return found
    print("py-spy is missing: pip install py-spy")
    subprocess.run([str(VENV_BIN / "python"), "-m", "pip", "install", "--quiet", "py-spy"])
    found = shutil.which("py-spy", path=str(VENV_BIN))
    if not found:
        raise HarnessError("could not install py-spy")
    return found


def _record(
    py_spy: str, bench: Driver, server: Server, scenario: str, seconds: float, output: Path
) -> None:
    form = "raw" if output.suffix == ".txt" else "flamegraph"
    command = [py_spy, "record", "--pid", str(server.pid), "--subprocesses", "--rate", "250"]
    command += ["--duration", f"{seconds:g}", "--format", form, "--output", str(output)]
    recording = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    bench.drive(server, scenario, seconds)
    _, errors = recording.communicate(timeout=seconds + 60)
    if recording.returncode != 0 or not output.exists():
        message = errors.decode(errors="replace").strip()
        raise HarnessError(f"py-spy failed ({message}); it needs ptrace (CAP_SYS_PTRACE)")


def top_functions(collapsed: Path) -> tuple[int, Counter[str], Counter[str]]:
    """Busy samples, then per function: samples on top of the stack, and anywhere in it."""
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_LINE.sub(")", frame) for frame in stack.split(";")]
        if tuple(frames[-2:]) == _IDLE:
            continue
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            anywhere[frame] += samples
    return total, own, anywhere


def profile(
    bench: Driver, pressroom: Server, seconds: float, out: Path, scenarios: list[str]
) -> None:
    """Record each scenario and print the functions that take the most samples."""
    py_spy = _py_spy()
    for scenario in scenarios:
        collapsed = out / f"pressroom-{scenario}.txt"
        _record(py_spy, bench, pressroom, scenario, seconds, collapsed)
        _record(py_spy, bench, pressroom, scenario, seconds, out / f"pressroom-{scenario}.svg")
        total, own, anywhere = top_functions(collapsed)
        print(f"\nprofile {scenario}: {total} busy samples; {collapsed} and .svg")
        print(f"  {'self':>6} {'total':>6}  function")
        for function, samples in own.most_common(TOP):
            share, inclusive = samples / total, anywhere[function] / total
            print(f"  {share:>6.1%} {inclusive:>6.1%}  {function}")
