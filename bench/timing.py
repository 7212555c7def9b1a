"""How the benchmarks measure: medians with min and max over repeated runs, as plain records.

Every bench module returns a list of `Measurement`s; `bench/run.py` prints them as one table and writes them
to `bench/results.json`. Why medians with min-max: on a shared 2-core machine single runs jitter by 2x; the
median is stable and the range shows how noisy the run was.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

UNITS = {"ns": 1e9, "µs": 1e6, "ms": 1e3, "s": 1.0}


@dataclass
class Measurement:
    """One figure of the table: what was measured, its median and range, the unit, and a note."""

    section: str
    name: str
    median: float
    low: float
    high: float
    unit: str
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def per_call(fn: Callable[[], Any], *, number: int, repeat: int, unit: str = "µs") -> tuple[float, float, float]:
    """(median, min, max) time of one call of `fn`, from `repeat` timed loops of `number` calls each."""
    scale = UNITS[unit]
    fn()  # warm up: first-call caches and lazy imports are not what we measure
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number * scale)
    return statistics.median(samples), min(samples), max(samples)


def once_each(fn: Callable[[], Any], *, repeat: int, unit: str = "ms") -> tuple[float, float, float]:
    """(median, min, max) of `repeat` single runs of `fn` (for things that take milliseconds or more)."""
    scale = UNITS[unit]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * scale)
    return statistics.median(samples), min(samples), max(samples)


def auto_number(fn: Callable[[], Any], target_s: float = 0.05) -> int:
    """How many calls make one timed loop last about `target_s` (so cheap calls are not lost in timer noise)."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - start >= target_s / 4 or n >= 1 << 22:
            elapsed = time.perf_counter() - start
            return max(1, int(n * target_s / max(elapsed, 1e-9)))
        n *= 4
