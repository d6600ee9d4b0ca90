"""Model time for the AMI test server: seconds of a modelled Asterisk that pass only while the test process is quiet.

Every modelled duration (prompt lengths, poll and pickup delays, DTMF timings, caller script waits, Queue and
RECORD FILE timings) is a model deadline here, and what the server computes from time (`endpos`, `Duration`,
`DIALEDTIME_MS` …) is computed from model time, so the bytes and the order of events do not depend on how fast the
machine is. The clock is controlled, not read off the wall:

- it stands still while anything is in flight: from any AMI traffic (`touch`, on every read and write of the
  server), while a worker thread of the loop runs (`QuietExecutor`: the driver's flow parsing, prompt rendering,
  recognition), while something `hold`s it, and for `settle_s` of wall-clock quiet after that, long enough for a
  client's reader thread in the same process to take what it was sent to the loop (stretched by the measured
  slowdown); then until the event loop has had nothing else to run for a few turns and `in_flight` (the server's
  check of its sockets: bytes a client has not read yet, or it has not written yet) says nothing is under way;
- then it runs, at most `1 / scale` times as fast as the wall clock (`scale=0.05`: twenty model seconds a second);
- it stops at every deadline someone waits for (`until`), wakes those waiting for it, and stands still again.

So a client that reacts within `settle_s` to what it is sent reacts at the model time it was sent, whatever the
load: a key pressed when a prompt starts cuts it at its first frame, on an idle machine and beside busy loops
alike. Calls that do the same things at once keep doing them at the same model times (their deadlines are equal),
which is what lets 200 calls run at a fast scale.

With `wall=True` model time simply follows the wall clock (times `1 / scale`) and never stands still: for a server
in a process of its own whose client counts real time, the benchmark's peer (`bench/line_peer.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import slowdown

T = TypeVar("T")

SETTLE_S = 0.02
"""Wall-clock quiet (times the measured slowdown) after any activity before model time runs again: time for a
client's reader thread to be scheduled and hand what it read to the loop."""
QUIET_HOPS = 8
"""Event-loop iterations with nothing else to run, after the wall-clock quiet, before model time runs again: a
client on the same loop (and a task woken at a deadline) has taken its turn."""


class Clock:
    """Model seconds since the clock was made; see the module's docstring for when they pass."""

    def __init__(
        self,
        scale: float = 1.0,
        *,
        settle_s: float | None = None,
        in_flight: Callable[[], bool] = lambda: False,
        wall: bool = False,
    ) -> None:
        if scale <= 0:
            raise ValueError(f"time_scale must be positive, not {scale}")
        self.scale = scale
        self.wall = wall
        self.settle_s = settle_s if settle_s is not None else SETTLE_S * slowdown.factor()
        self.in_flight = in_flight
        self._loop = asyncio.get_running_loop()
        self._model = 0.0  # model time at `_since` (wall clock, loop time)
        self._since = self._loop.time()
        self._running = False
        self._quiet_since = self._since
        self._holds = 0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | asyncio.Handle | None = None
        self._hops = 0
        self.wakes = 0
        """How often the clock stopped at a deadline (for tests of the clock)."""
        if wall:
            self._running = True
        self._schedule()

    # ------------------------------------------------------------------ reading

    def now(self) -> float:
        """The current model time (never past a deadline whose waiters have not been woken yet)."""
        if not self._running:
            return self._model
        ran = self._model + (self._loop.time() - self._since) / self.scale
        due = self._next_deadline()
        return ran if due is None else min(ran, due)

    def real(self, model_s: float) -> float:
        """The least wall-clock time `model_s` model seconds take."""
        return max(0.0, model_s) * self.scale

    # ------------------------------------------------------------------ waiting

    async def until(self, deadline: float) -> None:
        """Wait until model time `deadline` (at once if it has passed)."""
        if deadline <= self.now():
            await asyncio.sleep(0)
            return
        await self._sleeper(deadline)

    async def sleep(self, model_s: float) -> None:
        """Wait `model_s` model seconds."""
        await self.until(self.now() + model_s)

    async def within(self, awaitable: Awaitable[T], deadline: float | None) -> T | None:
        """The awaitable's result, or None when model time `deadline` comes first (None: no deadline)."""
        if deadline is None:
            return await awaitable
        task = asyncio.ensure_future(awaitable)
        if deadline <= self.now():
            await asyncio.sleep(0)
        else:
            alarm = self._sleeper(deadline)
            try:
                await asyncio.wait({task, alarm}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                alarm.cancel()
        if task.done():
            return task.result()
        task.cancel()
        return None

    def _sleeper(self, deadline: float) -> asyncio.Future[None]:
        future: asyncio.Future[None] = self._loop.create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._order), future))
        if self._sleepers[0][2] is future:
            self._schedule()
        return future

    def _next_deadline(self) -> float | None:
        while self._sleepers and self._sleepers[0][2].done():  # cancelled waits leave the heap lazily
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    # ------------------------------------------------------------------ stopping

    def touch(self) -> None:
        """Something happened (AMI traffic): model time stands still until the process has been quiet again."""
        self._stop()
        self._quiet_since = self._loop.time()
        self._hops = 0
        self._schedule()

    def hold(self) -> Callable[[], None]:
        """Stop model time until the returned function is called (once)."""
        self._stop()
        self._holds += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._holds -= 1
                self.touch()

        return release

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Model time stands still inside this block (work outside the model: a driver starting, a test's setup)."""
        release = self.hold()
        try:
            yield
        finally:
            release()

    def _stop(self) -> None:
        if self._running and not self.wall:
            self._model = self.now()
            self._since = self._loop.time()
            self._running = False

    # ------------------------------------------------------------------ running

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if (self._holds and not self.wall) or self._loop.is_closed():
            return
        if not self._running:
            self._timer = self._loop.call_at(self._quiet_since + self.settle_s, self._tick)
            return
        due = self._next_deadline()
        if due is not None:
            self._timer = self._loop.call_at(self._since + (due - self._model) * self.scale, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if self._holds and not self.wall:
            return
        wall = self._loop.time()
        if not self._running:
            if wall - self._quiet_since < self.settle_s:
                self._schedule()
                return
            if self._hops < QUIET_HOPS:
                if not _loop_idle(self._loop):  # something else runs: the quiet starts again
                    self.touch()
                    return
                self._hops += 1
                self._timer = self._loop.call_soon(self._tick)
                return
            if self.in_flight():
                self.touch()
                return
            self._running, self._since = True, wall
        due = self._next_deadline()
        if due is not None and self._since + (due - self._model) * self.scale <= wall + 1e-6:
            if not self.wall:
                self._model, self._since, self._running = due, wall, False  # stop at the deadline itself
                self._quiet_since, self._hops = wall, 0
            self.wakes += 1
            while self._sleepers and self._sleepers[0][0] <= due:
                future = heapq.heappop(self._sleepers)[2]
                if not future.done():
                    future.set_result(None)
        self._schedule()

    def close(self) -> None:
        """Stop scheduling (the server shut down)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._holds += 1


def _loop_idle(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether nothing but the running callback is ready to run on the loop (CPython's loops keep what is ready in
    `_ready`; where that cannot be seen, the wall-clock quiet alone counts)."""
    ready = getattr(loop, "_ready", None)
    return ready is None or not ready


class QuietExecutor(ThreadPoolExecutor):
    """The event loop's default executor while a test server runs: model time stands still while a job runs in a
    worker thread (`asyncio.to_thread`, `run_in_executor(None, …)`), as it would while any other work is in
    flight."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(thread_name_prefix="quiet-executor")
        self.clock = clock
        self._loop = asyncio.get_running_loop()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run `fn` in a worker thread, holding the clock until it returns."""
        release = self.clock.hold()
        future = super().submit(fn, *args, **kwargs)

        def done(_: Future[T]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(release)

        future.add_done_callback(done)
        return future


class CallClock:
    """A call's `Clock` (`callflow.runtime.types.Clock`) on the model's time, for Callflow's driver in end-to-end
    tests: the driver then counts the seconds the modelled Asterisk counts (its per-call guard, a queue's
    announcements, its trace), whatever the load; the time of day runs from `start` at the model's pace."""

    def __init__(self, model: Clock, timezone: str, start: datetime) -> None:
        self.model = model
        self.zone = ZoneInfo(timezone)
        self.start = start
        self._origin = model.now()

    def now(self) -> datetime:
        """The model's moment, as a time of day in the call's time zone."""
        return (self.start + timedelta(seconds=self.elapsed())).astimezone(self.zone)

    def elapsed(self) -> float:
        """Model seconds since the call began."""
        return self.model.now() - self._origin

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of model time."""
        await self.model.sleep(seconds)
