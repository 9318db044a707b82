"""In-process timing for the benchmarks: bounded loops, percentiles, report lines.

Benchmarks measure and report; they never assert, because the figures depend on the
machine. Every loop runs a fixed number of calls, so a benchmark always ends.

    timing = timed(lambda i: scorer.score(records[i % len(records)]), 5_000)
    timing.p50, timing.p99                      # milliseconds
    lines = table([("single prediction", timing, goal_text(timing.p50 < 0.2, "p50 < 0.2 ms"))])
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Timing:
    """Latency of `n` calls in milliseconds: median, 99th percentile and mean."""

    n: int
    p50: float
    p99: float
    mean: float

    @classmethod
    def of(cls, ms: npt.ArrayLike) -> Timing:
        values = np.asarray(ms, dtype=float)
        if values.size == 0:
            raise ValueError("no timings to summarise")
        return cls(
            n=int(values.size),
            p50=float(np.percentile(values, 50)),
            p99=float(np.percentile(values, 99)),
            mean=float(values.mean()),
        )


def timed(call: Callable[[int], Any], n: int, warmup: int = 50) -> Timing:
    """Time `call(i)` for i in 0..n-1, one call at a time, after `warmup` untimed calls."""
    for i in range(min(warmup, n)):
        call(i)
    times = np.empty(n)
    clock = time.perf_counter_ns
    for i in range(n):
        start = clock()
        call(i)
        times[i] = (clock() - start) / 1e6
    return Timing.of(times)


def verdict(ok: bool) -> str:
    """`met` or a bold `missed`, for a goal column."""
    return "met" if ok else "**missed**"


def goal_text(ok: bool, goal: str) -> str:
    return f"{goal}: {verdict(ok)}"


def table(rows: Sequence[tuple[str, Timing, str]]) -> list[str]:
    """Markdown lines: one row per measurement with calls, p50, p99 and the goal."""
    lines = ["| measurement | calls | p50 ms | p99 ms | goal |", "|---|---|---|---|---|"]
    lines += [
        f"| {name} | {t.n:,} | {t.p50:.3f} | {t.p99:.3f} | {goal} |" for name, t, goal in rows
    ]
    return lines


def machine() -> str:
    """Where it was measured: CPU count and model, Python version, operating system."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPU(s), {cpu}; Python {platform.python_version()} on {platform.system()}"
    )
