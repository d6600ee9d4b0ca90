"""How much slower than an idle machine this one runs now, for the wall-clock deadlines of tests.

A test that waits for something real (a reply over a socket, a thread, a process) waits at most a deadline; on a
machine that other work keeps busy everything takes longer, so deadlines are stretched by the slowdown measured
now: the wall-clock time of a short piece of CPU-bound work over the CPU time it took (1.0 when this process has a
CPU to itself, about 1.5 with two busy loops beside it on two CPUs), measured again at most once a second.
"""

from __future__ import annotations

import time

BURST_S = 0.004
"""CPU time of one measuring burst (three are run; the largest ratio counts)."""
REMEASURE_S = 1.0
MAX_FACTOR = 20.0

_measured = (0.0, 1.0)  # (monotonic time of the measurement, factor)


def _burst() -> float:
    wall, cpu = time.perf_counter(), time.thread_time()
    while time.thread_time() - cpu < BURST_S:
        sum(range(200))
    return (time.perf_counter() - wall) / max(time.thread_time() - cpu, 1e-9)


def factor() -> float:
    """The current slowdown (at least 1, at most `MAX_FACTOR`)."""
    global _measured
    at, value = _measured
    if time.monotonic() - at > REMEASURE_S:
        value = min(MAX_FACTOR, max(1.0, *(_burst() for _ in range(3))))
        _measured = (time.monotonic(), value)
    return value


def seconds(deadline_s: float) -> float:
    """A wall-clock deadline stretched by the current slowdown."""
    return deadline_s * factor()
