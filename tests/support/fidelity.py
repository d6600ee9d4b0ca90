"""A call simulated and the same call placed on a line, compared (issue 16's proof).

Each scenario of the hotline's flow tests that a caller with only a keypad can play (keys, silence, hang-up; no
words, no agent: the line's far side is its own) is simulated with the prompts as rendered, its caller's steps are
made timed (`dtmf:2@9.311`, `hangup@14.2`), and that timed call is the reference. The same timed steps are then
played on a line: each key's tone ends at its second after the flow started (`PlayDTMF`), the hang-up is the AMI
`Hangup`. The two traces must have the same prompts, nodes and outcome, and each prompt must start within
`0.5 s + 0.15 s` per caller step before it of its simulated start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from line import EXAMPLES, Line
from phone import PhoneCall

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.line import COMMAND_GAP_S, DIGIT_INTERVAL_S
from callflow.runtime.simulator.run import Simulation, Simulator, moment
from callflow.runtime.simulator.script import Step, parse_script
from callflow.runtime.testing.flowtest import Case, read_test_file
from callflow.runtime.testing.replay import timed_script_from_trace
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.voices import voice_for

TONE_MS = 100
"""How long each key's tone lasts; the line hears the key when its tone ends."""

BASE_S = 0.5
PER_STEP_S = 0.15
"""A prompt may start this much later or earlier on the line than simulated: BASE_S + PER_STEP_S per caller step."""

FAR_SIDE = ("queue", "agent", "transfer")


@dataclass
class Scenario:
    """One flow-test case made timed, its simulation, and the file the line plays for each prompt it plays."""

    name: str
    at: datetime
    caller: str
    steps: list[Step]
    simulation: Simulation = field(repr=False)
    files: tuple[str, ...] = ()
    """Each prompt the simulation played (not skipped), as the file the driver plays it from (`STREAM FILE`'s path)."""


def keypad_cases() -> Iterator[Case]:
    """The hotline's flow-test cases a keypad caller can play: only keys, silence and hang-up, no switch turned on,
    no far side scripted."""
    for case in read_test_file(EXAMPLES / "hotline_12345.test.yaml").cases:
        kinds = {step.kind for step in parse_script(list(case.steps))}
        switched = any(
            str(v).lower() in ("on", "true", "yes", "1") for v in (case.options.get("switches") or {}).values()
        )
        if kinds <= {"dtmf", "wait", "hangup"} and not switched and "inputs" not in case.options:
            yield case


def scenarios(prompts: Path) -> list[Scenario]:
    """The keypad cases that stay with Callflow (no queue or transfer), simulated with their prompts rendered into
    `prompts`, as timed calls."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    cache = PromptCache(prompts, Pyttsx3Synthesizer())
    found = []
    for case in keypad_cases():
        at_value = case.options.get("at")
        at = moment(at_value.isoformat() if isinstance(at_value, datetime | date) else at_value, environment)
        caller = str(case.options.get("from", "10000000000"))

        def simulate(steps: list[Step], at: datetime = at, caller: str = caller) -> Simulation:
            simulator = Simulator(environment, EXAMPLES, prompts=prompts)
            try:
                return simulator.run(flow, steps, at=at, caller=caller)
            finally:
                simulator.close()

        untimed = parse_script(list(case.steps))
        first = simulate(untimed)
        if any(e["event"] in FAR_SIDE for e in first.events):
            continue
        steps = timed_script_from_trace(first.events)
        call = simulate(steps)
        for _ in range(3):  # render what the calls play, so that their lengths are the files', until none is new
            played = {(e["text"], e["lang"]) for e in [*first.events, *call.events] if e["event"] == "prompt"}
            voices = [(text, voice_for(lang, environment)) for text, lang in played if text]
            missing = [(text, voice) for text, voice in voices if not cache.path(text, voice).is_file()]
            if not missing:
                break
            for text, voice in missing:
                cache.render(text, voice)
            first = simulate(untimed)
            steps = timed_script_from_trace(first.events)
            call = simulate(steps)
        files = tuple(
            str(cache.path(e["text"], voice_for(e["lang"], environment)).resolve().with_suffix(""))
            for index, e in enumerate(call.events)
            if e["event"] == "prompt" and not _skipped(call.events, index)
        )
        found.append(Scenario(case.name, at, caller, steps, call, files))
    return found


# -- on the line ----------------------------------------------------------------------------------------------


class LineClock(Protocol):
    """The line's own seconds: the test server's model clock, or the wall clock of a real Asterisk."""

    def now(self) -> float:
        """The line's time now."""

    async def until(self, moment: float) -> None:
        """Wait until the line's time reaches `moment`."""


class WallClock:
    """A real line's seconds: the event loop's clock."""

    def now(self) -> float:
        """The event loop's time."""
        return asyncio.get_running_loop().time()

    async def until(self, moment: float) -> None:
        """Sleep until the event loop's time reaches `moment`."""
        await asyncio.sleep(moment - self.now())


@dataclass(frozen=True)
class Placed:
    """A call placed on a line: its trace, when (on the line's clock, from the flow's start) each prompt started to
    play, and the longest the test's own event loop was late meanwhile."""

    trace: list[dict[str, Any]]
    plays: tuple[tuple[str, float], ...]
    """(STREAM FILE's file, when it started) for each prompt the line played."""
    stalled_s: float


async def place(hotline: Line, scenario: Scenario, clock: LineClock) -> Placed:
    """Place a scenario's call (on a line whose calls start at the scenario's moment) and play its timed steps on the
    line's clock; the call's trace once Callflow has finished it, and when each prompt started."""
    hotline.phone.timestamp = clock.now
    async with LagWatch() as lag:
        call = await hotline.phone.call("12345", scenario.caller)
        origin = await _flow_started(call)
        await _play(call, scenario.steps, origin, clock)
        await call.wait_ended(timeout_s=120)
        trace = await hotline.ended_trace(call, timeout_s=30)
    plays = tuple(
        (command.split(" ")[2], round(at - origin, 3))
        for command, at in zip(call.commands, call.started, strict=True)
        if command.startswith("STREAM FILE")
    )
    return Placed(trace, plays, lag.longest_s)


async def _flow_started(call: PhoneCall) -> float:
    """When the flow started, on the line's clock: its first prompt starts to play a poll later."""
    await call.until(lambda command: command.startswith("STREAM FILE"), timeout_s=60)
    first = next(i for i, command in enumerate(call.commands) if command.startswith("STREAM FILE"))
    return call.started[first] - COMMAND_GAP_S


async def _play(call: PhoneCall, steps: list[Step], origin: float, clock: LineClock) -> None:
    """Each key's tone ends at its moment after `origin` (the line hears it then), the hang-up comes at its own."""
    for step in steps:
        assert step.at is not None
        if step.kind == "hangup":
            await clock.until(origin + step.at)
            if not call.ended.is_set():
                await call.hang_up()
            continue
        for index, key in enumerate(step.text):
            await clock.until(origin + step.at + index * DIGIT_INTERVAL_S - TONE_MS / 1000)
            if call.ended.is_set():
                return
            await call.press(key, TONE_MS)


class LagWatch:
    """How late the event loop woke a watcher at worst, while it watched: a busy machine stalls every timing here."""

    TICK_S = 0.02

    def __init__(self) -> None:
        self.longest_s = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LagWatch:
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.TICK_S)
            self.longest_s = max(self.longest_s, loop.time() - before - self.TICK_S)


# -- the comparison -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How a call on a line compares with its simulation."""

    same_prompts: bool
    same_nodes: bool
    same_outcome: bool
    drifts: tuple[float, ...]
    """Each prompt's start on the line less its simulated start (seconds of the line's clock)."""
    allowed: tuple[float, ...]

    @property
    def identical(self) -> bool:
        """Same prompts, nodes and outcome, and every prompt within its allowance."""
        on_time = all(abs(d) <= a for d, a in zip(self.drifts, self.allowed, strict=True))
        return self.same_prompts and self.same_nodes and self.same_outcome and on_time

    @property
    def largest_drift(self) -> float:
        """The largest drift of a prompt's start, either way."""
        return max((abs(d) for d in self.drifts), default=0.0)


def compare(scenario: Scenario, placed: Placed) -> Comparison:
    """A call on the line against its simulation: prompts, nodes and outcome from the traces; each prompt's start
    from when the line started playing its file (the simulator starts it a poll after the flow asks; sounds of the
    line's own, a beep before a recording, are not prompts)."""
    simulated, lived = scenario.simulation.events, placed.trace
    expected = _played(simulated)
    plays = [(file, at) for file, at in placed.plays if file in scenario.files]
    same_prompts = _prompts(simulated) == _prompts(lived) and [f for f, _ in plays] == list(scenario.files)
    drifts = tuple(round(at - begins, 3) for (begins, _), (_, at) in zip(expected, plays, strict=False))
    allowed = tuple(BASE_S + PER_STEP_S * steps for _, steps in expected[: len(drifts)])
    return Comparison(
        same_prompts, _nodes(simulated) == _nodes(lived), _outcome(simulated) == _outcome(lived), drifts, allowed
    )


def _played(events: list[dict[str, Any]]) -> list[tuple[float, int]]:
    """When each prompt of a simulated call started to play (those skipped for keys typed ahead never did), and how
    many caller steps came before it."""
    played, steps = [], 0
    for index, event in enumerate(events):
        if event["event"] == "input" or (event["event"] == "end" and event.get("by") == "caller"):
            steps += 1
        elif event["event"] == "prompt" and not _skipped(events, index):
            played.append((round(event["t"] + COMMAND_GAP_S, 3), steps))
    return played


def _skipped(events: list[dict[str, Any]], index: int) -> bool:
    after = index + 1
    return after < len(events) and abs(events[after]["t"] - events[index]["t"]) < 0.0015


def _prompts(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e.get("prompt"), e.get("text")) for e in events if e["event"] == "prompt"]


def _nodes(events: list[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for event in events:
        node = event.get("node")
        if node and (not seen or seen[-1] != node):
            seen.append(node)
    return seen


def _outcome(events: list[dict[str, Any]]) -> tuple[Any, ...]:
    end = events[-1]
    return (end.get("event"), end.get("reason"), end.get("by"), end.get("destination"))
