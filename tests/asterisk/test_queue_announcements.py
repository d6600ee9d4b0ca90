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

from callflow.flowlang.environment import load_environment

FLOW = """\
flow {name}
  languages en

prompt ahead
  en "{{queue.position}} ahead."

prompt leave_message
  en "To leave a message instead, press 1."

prompt sorry
  en "Nobody could take your call. Goodbye."

waiting: queue nobody
  position       ahead
  announce_every 10s
  offer          leave_message
  offer_after    {offer_after}s
  max_wait       {max_wait}s
  done           -> bye
  offer          -> bye
  timeout        -> bye

bye: say sorry -> end

end: hangup
"""
ENVIRONMENT = 'timezone = "Asia/Shanghai"\n\n[numbers]\n7101 = "first"\n7102 = "second"\n\n[queues.nobody]\n'
TIME_SCALE = 0.2
"""The test server's pace for this test. The driver counts time between Queue runs on its real clock, so against
the test server the second caller's moments fall a few model seconds later than live (its entry announcement, and
real delays scaled up by 1/scale); at 0.2 they stay inside the scenario's margins."""
AHEAD = "{} ahead."
"""Short: the test server's model time runs on while the driver measures a prompt in real time (see TIME_SCALE)."""


def write_flows(folder: Path) -> Path:
    folder.mkdir()
    # first: at the head of the line, gives up after 15 s (before its offer; its member rings no longer than its
    # ring timeout, 15 s, whose retry no recording shows); second: one caller ahead until then
    (folder / "first.flow").write_text(FLOW.format(name="first", offer_after=60, max_wait=15), encoding="utf-8")
    (folder / "second.flow").write_text(FLOW.format(name="second", offer_after=25, max_wait=40), encoding="utf-8")
    (folder / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    return folder


def events(trace: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in trace if e["event"] == name]


def heard(trace: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events(trace, "prompt")]


def queue_runs(commands: list[str]) -> list[str]:
    return [c.removeprefix("EXEC Queue nobody,c,,,") for c in commands if c.startswith("EXEC Queue")]


def test_waiting_callers_hear_the_callers_ahead_and_keep_their_place(kind: str, prompts: Path, tmp_path: Path) -> None:
    """The first caller has nobody ahead: no count, one Queue run at the head until its wait ends at 15 s. The second,
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
    assert queue_runs(first.commands) == ["15,,,,1"]  # nobody ahead: no announcement, at the head to the end
    assert AHEAD.format(0) not in heard(first_trace)

    assert [e.get("position") for e in events(second_trace, "queue") if "position" in e] == [1, 1, 0]
    assert heard(second_trace)[:2] == [AHEAD.format(1)] * 2
    assert "To leave a message instead, press 1." in heard(second_trace)
    places = [run.rpartition(",")[2] for run in queue_runs(second.commands)]
    assert places == ["2", "2", "1", "1"]  # entry, after each announcement, after the declined offer
    leave = events(second_trace, "queue")[-1]
    assert leave["action"] == "leave" and leave["outcome"] == "timeout"
    assert heard(second_trace)[-1] == "Nobody could take your call. Goodbye."
