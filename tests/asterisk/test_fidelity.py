"""Issue 16's proof: a keypad caller's call is the same on a line as in the simulator.

Every scenario of the hotline's flow tests that a caller with only a keypad can play is simulated (prompts as
rendered, the caller's steps timed), then placed with the same timed steps over AMI: on the test server, which keeps
the recorded line's timing (the AsyncAGI poll, prompts as long as their files, keys lost between commands), and,
marked `live`, on a real Asterisk. The traces must match: same prompts, nodes and outcome, and every prompt's start
within 0.5 s plus 0.15 s per caller step of its simulated start (`tests/support/fidelity.py`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pytest
from backends import backend
from fidelity import BASE_S, Comparison, LineClock, Scenario, WallClock, compare, place, scenarios
from line import Line, line
from transcripts import RECORDINGS

TIME_SCALE = 0.2
"""The test server's pace here: slow enough that the driver's own milliseconds stay small beside the line's 0.1 s
poll (at 0.05 a 5 ms stall would be a poll)."""

AT_ONCE = 4
"""Calls on the line at the same time (at most)."""

ATTEMPTS = 3
"""A call whose timing was spoilt by the machine (the test's event loop stalled for more than half the allowance)
is placed again, up to this many times; a call that differs without a stall fails at once."""


@dataclass(frozen=True)
class Played:
    """A scenario's last call on the line, compared, and how many times it was placed."""

    comparison: Comparison
    attempts: int
    stalled_s: float


def play_all(kind: str, prompts: Path, tmp_path: Path, found: list[Scenario]) -> dict[str, Played]:
    """Place every scenario's call, those at the same moment of the week side by side; each compared."""
    scale = 1.0 if kind == "live" else TIME_SCALE
    results: dict[str, Played] = {}

    async def one(hotline: Line, scenario: Scenario, clock: LineClock, gate: asyncio.Semaphore) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            async with gate:
                placed = await place(hotline, scenario, clock)
            comparison = compare(scenario, placed)
            stalled = placed.stalled_s / scale
            results[scenario.name] = Played(comparison, attempt, stalled)
            if comparison.identical or stalled <= BASE_S / 2:
                return

    async def go() -> None:
        async with backend(kind, prompts, time_scale=scale) as where:
            clock: LineClock = where.server.pbx.clock if where.server is not None else WallClock()
            groups = groupby(sorted(found, key=lambda s: s.at), key=lambda s: s.at)
            for number, (at, group) in enumerate(groups):  # one line per moment: its calls start then
                async with line(where, tmp_path / f"at-{number}", start_at=at) as hotline:
                    gate = asyncio.Semaphore(AT_ONCE)
                    await asyncio.gather(*(one(hotline, s, clock, gate) for s in group))

    asyncio.run(go())
    return results


def table(results: dict[str, Played]) -> str:
    """One line per scenario: identical or not, its largest drift, how often it was placed."""
    lines = []
    for name, played in results.items():
        result = played.comparison
        what = "identical" if result.identical else "DIFFERENT"
        if not result.identical:
            what += f" (prompts {result.same_prompts}, nodes {result.same_nodes}, outcome {result.same_outcome})"
        again = (
            f", placed {played.attempts} times (stalls up to {played.stalled_s:.2f} s)" if played.attempts > 1 else ""
        )
        lines.append(f"{what:12} {result.largest_drift:6.3f} s  {name}{again}")
    return "\n".join(lines)


def playable(kind: str, found: list[Scenario]) -> list[Scenario]:
    """The scenarios a backend can play. The test server plays a key pressed during a prompt that does not take it
    only once a session shows what Asterisk does then (`stream-key-not-escape.txt`: it drops the key); until then,
    calls whose simulation loses a key there are left to the live test."""
    if kind == "live" or (RECORDINGS / "stream-key-not-escape.txt").is_file():
        return found
    return [s for s in found if not any(e.get("lost") == "prompt" for e in s.simulation.events)]


def test_every_keypad_scenario_is_the_same_call_on_the_line_as_in_the_simulator(
    kind: str, prompts: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Same prompts, nodes and outcome, each prompt on time, for every keypad scenario of the hotline's tests."""
    if kind == "server":  # its own folder, kept between runs: other tests find the session's prompts unrendered
        prompts = Path(request.config.cache.mkdir("callflow-fidelity-prompts"))
    found = playable(kind, scenarios(prompts))
    assert len(found) >= 30
    results = play_all(kind, prompts, tmp_path, found)
    print(table(results))
    assert set(results) == {s.name for s in found}
    assert all(r.comparison.identical for r in results.values()), table(results)
