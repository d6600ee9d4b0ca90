"""Position announcements in the flow's own words while callers wait in a live queue, and the offer to leave.

Two callers wait in `nobody` (its one member rings and never answers). Callflow counts the callers ahead on entry
(`QUEUE_WAITING_COUNT`), waits in EXEC Queue stretches that end when an announcement or the offer is due, and after
each rejoins at the place it left (`QUEUEPOSITION` as Queue's `position` argument; queue-rejoin.txt). A caller with
nobody ahead hears no count. Run against the AMI test server and, marked `live`, against a real Asterisk.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from backends import backend
from line import line
from queue_flows import AHEAD, write_flows

from callflow.flowlang.environment import load_environment

TIME_SCALE = 0.2
"""The test server's pace for this test. The driver counts time between Queue runs on its real clock, so against
the test server the second caller's moments fall a few model seconds later than live (its entry announcement, and
real delays scaled up by 1/scale); at 0.2 they stay inside the scenario's margins."""


def events(trace: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in trace if e["event"] == name]


def heard(trace: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events(trace, "prompt")]


def queue_runs(commands: list[str]) -> list[str]:
    return [c.removeprefix("EXEC Queue nobody,c,,,") for c in commands if c.startswith("EXEC Queue")]


def test_waiting_callers_hear_the_callers_ahead_and_keep_their_place(kind: str, prompts: Path, tmp_path: Path) -> None:
    """The first caller has nobody ahead: no count, one Queue run at the head until its wait ends at 18 s. The second,
    calling just after, hears "1 ahead" on entry and 10 s later (the first is still there), joining again at
    2 each time; at 20 s the first has left and QUEUEPOSITION says 1: no count, and no more announcements; at 25 s
    the offer, declined, and it joins again at the head until its wait ends at 40 s.

    Margins (measured): the second caller's 10 s moment comes 4 s (test server, model time) to 7 s (live) before the
    first leaves, its 20 s moment 4 s or more after."""
    flows = write_flows(tmp_path / "flows")

    async def go() -> tuple[Any, ...]:
        environment = load_environment(flows / "callflow.toml")
        async with (
            backend(kind, prompts, time_scale=TIME_SCALE) as where,
            line(where, tmp_path, flows=flows, environment=environment) as hotline,
        ):
            first = await hotline.phone.call("7101")
            await first.until(lambda command: command.startswith("EXEC Queue"))
            second = await hotline.phone.call("7102")
            await first.wait_ended(timeout_s=60)
            await second.wait_ended(timeout_s=90)
            return first, second, await hotline.ended_trace(first), await hotline.ended_trace(second)

    first, second, first_trace, second_trace = asyncio.run(go())
    count = "GET FULL VARIABLE ${QUEUE_WAITING_COUNT(nobody)}"
    assert first.commands.count(count) == second.commands.count(count) == 1

    assert [e.get("position") for e in events(first_trace, "queue")] == [None, 0, None]
    assert queue_runs(first.commands) == ["18,,,,1"]  # nobody ahead: no announcement, at the head to the end
    assert AHEAD.format(0) not in heard(first_trace)

    assert [e.get("position") for e in events(second_trace, "queue") if "position" in e] == [1, 1, 0]
    assert heard(second_trace)[:2] == [AHEAD.format(1)] * 2
    assert "To leave a message instead, press 1." in heard(second_trace)
    places = [run.rpartition(",")[2] for run in queue_runs(second.commands)]
    assert places == ["2", "2", "1", "1"]  # entry, after each announcement, after the declined offer
    leave = events(second_trace, "queue")[-1]
    assert leave["action"] == "leave" and leave["outcome"] == "timeout"
    assert heard(second_trace)[-1] == "Nobody could take your call. Goodbye."


def test_the_guard_is_queued_behind_each_queue_run(kind: str, prompts: Path, tmp_path: Path) -> None:
    """While Queue runs the dialplan's guard is lifted (`TIMEOUT(absolute) 0`: a conversation may be long); the
    guard is queued right behind the Queue, so Asterisk arms it when Queue ends even if Callflow is gone by then
    (tests/asterisk/test_dialplan_guard.py shows that live). The test server runs at real pace here, for the guard."""
    flows = write_flows(tmp_path / "flows")

    async def go() -> list[str]:
        environment = load_environment(flows / "callflow.toml")
        async with (
            backend(kind, prompts, time_scale=1.0) as where,
            line(where, tmp_path, flows=flows, environment=environment) as hotline,
        ):
            call = await hotline.phone.call("7103")
            await call.wait_ended(timeout_s=40)
            return call.commands

    commands = asyncio.run(go())
    queue = commands.index("EXEC Queue nobody,c,,,8")
    assert commands[queue - 1 : queue + 2] == [
        "SET VARIABLE TIMEOUT(absolute) 0",
        "EXEC Queue nobody,c,,,8",
        "SET VARIABLE TIMEOUT(absolute) 15",
    ]
