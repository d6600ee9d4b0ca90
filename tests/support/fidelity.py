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
from typing import Any

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
    """One flow-test case made timed, and its simulation."""

    name: str
    at: datetime
    caller: str
    steps: list[Step]
    simulation: Simulation = field(repr=False)


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
        found.append(Scenario(case.name, at, caller, steps, call))
    return found


# -- on the line ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A call placed on a line: its trace, and the longest the test's own event loop was late meanwhile."""

    trace: list[dict[str, Any]]
    stalled_s: float


async def place(hotline: Line, scenario: Scenario, scale: float) -> Placed:
    """Place a scenario's call and play its timed steps; the call's trace once Callflow has finished it. `scale` is
    the line's pace: real seconds per second of the call (1 on a real Asterisk, the test server's time scale)."""
    hotline.driver.service.start_at = scenario.at
    async with LagWatch() as lag:
        call = await hotline.phone.call("12345", scenario.caller)
        origin = await _flow_started(call, scale)
        await _play(call, scenario.steps, origin, scale)
        await call.wait_ended(timeout_s=120)
        trace = await hotline.ended_trace(call, timeout_s=30)
    return Placed(trace, lag.longest_s)


async def _play(call: PhoneCall, steps: list[Step], origin: float, scale: float) -> None:
    """Each key's tone ends at its moment after `origin` (the line hears it then), the hang-up comes at its own."""
    loop = asyncio.get_running_loop()
    for step in steps:
        assert step.at is not None
        if step.kind == "hangup":
            await asyncio.sleep(origin + step.at * scale - loop.time())
            if not call.ended.is_set():
                await call.hang_up()
            continue
        for index, key in enumerate(step.text):
            heard_at = step.at + index * DIGIT_INTERVAL_S
            await asyncio.sleep(origin + (heard_at - TONE_MS / 1000) * scale - loop.time())
            if call.ended.is_set():
                return
            await call.press(key, TONE_MS)


class LagWatch:
    """How late the event loop woke a watcher at worst, while it watched: a busy machine stalls every timing here."""

    TICK_S = 0.005

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


async def _flow_started(call: PhoneCall, scale: float) -> float:
    """When the flow started, on the event loop's clock: its first prompt starts on the line a poll later."""
    await call.until(lambda command: command.startswith("STREAM FILE"), timeout_s=60)
    first = next(i for i, command in enumerate(call.commands) if command.startswith("STREAM FILE"))
    return call.started[first] - COMMAND_GAP_S * scale


# -- the comparison -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How a call on a line compares with its simulation."""

    same_prompts: bool
    same_nodes: bool
    same_outcome: bool
    drifts: tuple[float, ...]
    """Each prompt's start on the line less its simulated start (seconds of the line's model)."""
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


def compare(simulated: list[dict[str, Any]], lived: list[dict[str, Any]], scale: float) -> Comparison:
    """A line's trace (its times in real seconds, `scale` of the model's) against the simulated one."""
    heard = [_prompts(simulated), _prompts(lived)]
    nodes = [_nodes(simulated), _nodes(lived)]
    ends = [_outcome(simulated), _outcome(lived)]
    start = lived[0]["t"]
    drifts, allowed = [], []
    steps_before = 0
    lived_prompts = [e for e in lived if e["event"] == "prompt"]
    simulated_prompts = [e for e in simulated if e["event"] == "prompt"]
    for event in simulated:
        if event["event"] == "input" or (event["event"] == "end" and event.get("by") == "caller"):
            steps_before += 1
        elif event["event"] == "prompt":
            index = len(drifts)
            if index < len(lived_prompts):
                drifts.append(round((lived_prompts[index]["t"] - start) / scale - event["t"], 3))
                allowed.append(BASE_S + PER_STEP_S * steps_before)
    assert len(simulated_prompts) >= len(drifts)
    return Comparison(heard[0] == heard[1], nodes[0] == nodes[1], ends[0] == ends[1], tuple(drifts), tuple(allowed))


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
