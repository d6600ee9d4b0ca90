"""How much slower than an idle machine this one runs now, for the wall-clock deadlines of tests.

A test that waits for something real (a reply over a socket, a thread, a process) waits at most a deadline; on a
machine that other work keeps busy everything takes longer, so deadlines are stretched by the slowdown measured
now: the wall-clock time of a short piece of CPU-bound work over the CPU time it took (1.0 when this process has a
CPU to itself, about 1.5 with two busy loops beside it on two CPUs), measured again at most once a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from callflow.runtime.asterisk.protocol import Message

BURST_S = 0.004
"""CPU time of one measuring burst (three are run; the largest ratio counts)."""
REMEASURE_S = 1.0
MAX_FACTOR = 20.0
POLL_S = 0.01

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


async def eventually(condition: Callable[[], bool], timeout_s: float = 10, what: str = "the condition") -> None:
    """Wait until `condition()` holds, looked at every few milliseconds, for at most `timeout_s` wall-clock seconds
    stretched by the slowdown (for states no event announces, such as a connection made again)."""

    async def wait() -> None:
        while not condition():
            await asyncio.sleep(POLL_S)

    try:
        await asyncio.wait_for(wait(), seconds(timeout_s))
    except TimeoutError:
        raise AssertionError(f"{what} did not come within {seconds(timeout_s):.1f} s") from None


class Seen:
    """What an AMI event handler was handed (the `key` header of each event), and waits for what a test expects,
    woken by each arrival."""

    def __init__(self, key: str = "Event") -> None:
        self.key = key
        self.values: list[str] = []
        self._changed = asyncio.Event()

    def __call__(self, event: Message) -> None:
        self.values.append(event[self.key])
        self._changed.set()

    async def until(self, done: Callable[[list[str]], bool], timeout_s: float = 10) -> list[str]:
        """The values seen, once `done(values)` holds."""

        async def wait() -> None:
            while not done(self.values):
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(wait(), seconds(timeout_s))
        except TimeoutError:
            raise AssertionError(f"only {self.values[-20:]} came within {seconds(timeout_s):.1f} s") from None
        return self.values
