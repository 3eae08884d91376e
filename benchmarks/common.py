"""Helpers shared by the benchmark scripts: run a command, time it, read its peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DERIVE = [sys.executable, "-m", "derive"]


def run_measured(argv: list[str], stdin: bytes | None = None) -> tuple[float, float, int]:
    """Run a command; return (wall seconds, peak RSS in MB, exit code).

    Peak RSS comes from wait4, i.e. the largest resident set of the process and its waited-for
    children (derive's forked workers are waited for, so they count)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    if stdin:
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def median_run(argv: list[str], repeat: int) -> tuple[float, float, int]:
    runs = [run_measured(argv) for _ in range(repeat)]
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2])


def row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"
