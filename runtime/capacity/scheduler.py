"""One virtual clock for many calls: a discrete-event scheduler that drives each call's coroutine itself.

SimPy's way, with the engine's own coroutines: each call runs through the real engine until it has to wait for
something another call decides (an agent), and suspends there; the scheduler resumes calls and runs callbacks in
time order. Between two such points a call keeps its own virtual clock (`VirtualClock`, as in `callflow simulate`),
which may run ahead of the shared one: nothing it does meanwhile touches what other calls see.

A call that awaits real I/O (an HTTP lookup) is awaited right there, with the shared clock standing still, as a
lookup takes no virtual time in the simulator either.
"""

from __future__ import annotations

import heapq
import math
import types
from collections.abc import Callable, Coroutine, Generator, Iterator
from typing import Any

TIMER = "timer"
"""What a suspended call is woken with when the moment it asked for comes."""


class _Token:
    """What a call's coroutine yields to the scheduler when it suspends."""

    __slots__ = ()


_SUSPEND = _Token()


class Process:
    """A coroutine as the scheduler drives it; `generation` tells a pending wake-up from a stale one."""

    __slots__ = ("coroutine", "generation")

    coroutine: Coroutine[Any, Any, Any]

    def __init__(self) -> None:
        self.generation = 0

    def finish(self, value: Any) -> None:
        """Called with what the coroutine returned."""


class Scheduler:
    """Virtual time shared by every call of a run, in seconds from the run's start."""

    __slots__ = ("_foreign", "_heap", "_seq", "current", "now")

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, Callable[[Any], None], Any]] = []
        self._seq = 0
        self.current: Process | None = None
        """The process running now (the one that may suspend)."""
        self._foreign: list[tuple[Process, Any]] = []
        """Processes that yielded something of asyncio's, with what they await."""

    def __len__(self) -> int:
        """Pending events."""
        return len(self._heap)

    def call_at(self, t: float, callback: Callable[[Any], None], argument: Any = None) -> None:
        """Run `callback(argument)` at virtual time `t` (events at the same moment run in the order they were set)."""
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, callback, argument))

    def start(self, process: Process) -> None:
        """Run a new process now, until it suspends or ends."""
        self._step(process, None)

    @types.coroutine
    def sleep_until(self, t: float) -> Generator[_Token, Any, Any]:
        """Suspend the running process until `t` (or until `wake` interrupts it); what it was woken with."""
        process = self.current
        assert process is not None, "only a running process can suspend"
        process.generation += 1
        self._seq += 1
        heapq.heappush(
            self._heap, (t if t > self.now else self.now, self._seq, self._timer, (process, process.generation))
        )
        return (yield _SUSPEND)

    def wake(self, process: Process, value: Any) -> None:
        """Resume a suspended process now with `value`; the moment it was waiting for no longer counts."""
        process.generation += 1
        self._seq += 1
        heapq.heappush(self._heap, (self.now, self._seq, self._resume, (process, value)))

    def _timer(self, entry: tuple[Process, int]) -> None:
        process, generation = entry
        if generation == process.generation:
            self._step(process, TIMER)

    def _resume(self, entry: tuple[Process, Any]) -> None:
        self._step(*entry)

    def _step(self, process: Process, value: Any) -> None:
        self.current = process
        try:
            yielded = process.coroutine.send(value)
        except StopIteration as stop:
            self.current = None
            process.finish(stop.value)
            return
        self.current = None
        if yielded is not _SUSPEND:
            self._foreign.append((process, yielded))

    async def run(self, arrivals: Iterator[float] | None = None, arrive: Callable[[], None] | None = None) -> None:
        """Process events in time order until none are left, and start a process with `arrive()` at each moment
        of `arrivals` (in order; drawn one at a time, so no more than the next one is ever kept)."""
        heap = self._heap
        pop = heapq.heappop
        foreign = self._foreign
        arrivals = arrivals or iter(())
        next_arrival = next(arrivals, math.inf)
        while True:
            if heap and heap[0][0] <= next_arrival:
                t, _, callback, argument = pop(heap)
                self.now = t
                callback(argument)
            elif next_arrival != math.inf:
                assert arrive is not None
                self.now = next_arrival
                next_arrival = next(arrivals, math.inf)
                arrive()
            else:
                break
            while foreign:
                process, awaited = foreign.pop()
                await self._await_foreign(process, awaited)

    async def _await_foreign(self, process: Process, awaited: Any) -> None:
        """Let a process await something of asyncio's (real I/O) as a task would, the shared clock standing still."""
        while True:
            self.current = process
            try:
                try:
                    await _Forward(awaited)
                except BaseException as error:  # the awaited thing failed: the process sees it, as under a task
                    awaited = process.coroutine.throw(error)
                else:
                    awaited = process.coroutine.send(None)
            except StopIteration as stop:
                self.current = None
                process.finish(stop.value)
                return
            self.current = None
            if awaited is _SUSPEND:
                return


class _Forward:
    """Hands an asyncio future a process yielded to the task running the scheduler, and resumes when it is done."""

    __slots__ = ("awaited",)

    def __init__(self, awaited: Any) -> None:
        self.awaited = awaited

    def __await__(self) -> Generator[Any, Any, None]:
        yield self.awaited
