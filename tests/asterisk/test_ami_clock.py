"""The AMI test server's controlled clock (`ami_clock`): model time stands still while anything is in flight, then
runs at most at its pace and stops at each deadline, so what a test sees does not depend on the machine's load."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from ami_clock import CallClock, Clock, QuietExecutor
from waiting import eventually


def test_a_wait_ends_exactly_at_its_deadline_and_waits_wake_in_order() -> None:
    """`until` wakes at the model time asked for (not a moment later, however late the loop gets to it), earliest
    first; waits for the same moment wake together, in one stop of the clock."""

    async def run() -> tuple[list[tuple[str, float]], int]:
        clock = Clock(0.001, settle_s=0)
        woke: list[tuple[str, float]] = []

        async def wait(name: str, at: float) -> None:
            await clock.until(at)
            woke.append((name, clock.now()))

        await asyncio.gather(wait("c", 30.0), wait("a", 2.5), wait("b", 2.5), wait("d", 7.25))
        return woke, clock.wakes

    woke, wakes = asyncio.run(run())
    assert woke == [("a", 2.5), ("b", 2.5), ("d", 7.25), ("c", 30.0)]
    assert wakes == 3


def test_model_time_stands_still_while_held_and_while_a_worker_thread_runs() -> None:
    """A hold, or a job of the loop's `QuietExecutor`, stops model time: a wait due meanwhile ends only after."""

    async def run() -> tuple[float, float, bool, float]:
        clock = Clock(0.001, settle_s=0)
        asyncio.get_running_loop().set_default_executor(QuietExecutor(clock))
        waiting = asyncio.ensure_future(clock.until(1.0))
        with clock.held():
            await asyncio.sleep(0.05)  # fifty times what one model second takes at this pace
            held_at = clock.now()
        gate = threading.Event()
        job = asyncio.ensure_future(asyncio.to_thread(gate.wait))
        await asyncio.sleep(0.05)
        during_job = clock.now()
        done_during_job = waiting.done()
        gate.set()
        await job
        await waiting
        return held_at, during_job, done_during_job, clock.now()

    held_at, during_job, done_during_job, after = asyncio.run(run())
    assert held_at == 0.0 and during_job == 0.0 and not done_during_job
    assert after == 1.0


def test_within_gives_the_result_or_none_at_the_deadline() -> None:
    """`within`: the awaitable's result when it comes first, None (at exactly the deadline) when the deadline
    does; no deadline waits as long as it takes."""

    async def run() -> tuple[str | None, float, str | None, float, str | None]:
        clock = Clock(0.001, settle_s=0)
        late: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        none = await clock.within(late, 4.0)
        at_deadline = clock.now()
        soon = asyncio.ensure_future(clock.sleep(1.0))
        early = await clock.within(asyncio.shield(asyncio.ensure_future(_after(soon, "key"))), 10.0)
        at_result = clock.now()
        unbounded = await clock.within(_after(asyncio.ensure_future(clock.sleep(60)), "later"), None)
        return none, at_deadline, early, at_result, unbounded

    none, at_deadline, early, at_result, unbounded = asyncio.run(run())
    assert (none, at_deadline) == (None, 4.0)
    assert (early, at_result) == ("key", 5.0)
    assert unbounded == "later"


async def _after(waiting: asyncio.Future[None], value: str) -> str:
    await waiting
    return value


def test_traffic_stops_model_time_until_the_process_is_quiet_again() -> None:
    """`touch` (every AMI read and write of the server) stops a running clock where it is; it goes on only after
    the settling time, never past a deadline."""

    async def run() -> tuple[float, float, float]:
        clock = Clock(0.01, settle_s=0)
        waiting = asyncio.ensure_future(clock.until(100.0))
        await eventually(lambda: clock.now() > 0, what="model time running")  # at most 100 model seconds a second
        clock.settle_s = 3600.0
        clock.touch()
        stopped = clock.now()
        await asyncio.sleep(0.1)  # well within the settling time: still stopped
        still = clock.now()
        clock.settle_s = 0
        clock.touch()
        await waiting
        return stopped, still, clock.now()

    stopped, still, end = asyncio.run(run())
    assert 0.0 < stopped < 100.0 and still == stopped
    assert end == 100.0


def test_a_call_clock_counts_model_seconds_as_a_time_of_day() -> None:
    """`CallClock`: the driver's clock in end-to-end tests: elapsed model seconds since the call began, the time
    of day from its start at the model's pace."""

    async def run() -> tuple[float, datetime]:
        model = Clock(0.001, settle_s=0)
        await model.until(3.0)
        start = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        call = CallClock(model, "Asia/Shanghai", start)
        await call.sleep(90.5)
        return call.elapsed(), call.now()

    elapsed, now = asyncio.run(run())
    assert elapsed == 90.5
    assert now == datetime(2026, 11, 20, 10, 1, 30, 500000, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_wall_clock_follows_real_time_and_is_never_held() -> None:
    """`wall=True` (the benchmark's peer, whose client runs in another process on real time): model time runs on
    through a hold and traffic, at `1 / scale` of the wall clock."""

    async def run() -> tuple[float, float]:
        clock = Clock(0.01, wall=True)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with clock.held():
            clock.touch()
            await clock.until(50.0)
        return clock.now(), loop.time() - started

    now, took = asyncio.run(run())
    assert now >= 50.0  # it runs on after the deadline too
    assert took >= 50.0 * 0.01
