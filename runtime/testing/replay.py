"""Replaying a recorded call: the caller's script rebuilt from its trace, and the call as the caller lived it.

A trace (JSON lines, as `callflow simulate --json` prints them) records what the caller did, not the script that
made them do it. The script is rebuilt on the simulated caller's rules (`runtime/simulator/channel.py`): a step is
used when the flow next listens, the caller acts `REACTION_S` after that, and a `wait:` is silence counted from
the first moment the flow listens after the previous step. So a wait is written only where the caller took
longer than that. The trace does not say which prompts listened from their start (barge-in); a node is taken to
have listened from its first prompt when the caller acted in it or it waited past its prompts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callflow.runtime.simulator.channel import REACTION_S, Recognize, speaking_time
from callflow.runtime.simulator.clock import DEFAULT_LIMIT_S
from callflow.runtime.simulator.script import Step
from callflow.runtime.testing.traces import ReplayError as ReplayError  # re-exported: part of the API
from callflow.runtime.testing.traces import read_trace as read_trace
from callflow.runtime.trace import MASK
from callflow.runtime.types import Audio, Speech

Event = Mapping[str, Any]

EPSILON_S = 0.0015
"""Trace times are rounded to the millisecond and prompt lengths to the centisecond."""

MAX_SPEECH_S = 10.0
"""The longest answer a node listens to unless it says otherwise (`ask`'s default `max_speech`)."""

RECORDINGS = ("voicemail", "record")

RECORDING_SILENCE_S = 5.0
"""The silence that ends a recording unless its node says otherwise."""


# -- the caller's script --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Trace:
    """A trace cut into runs: stretches of events of one node, in which that node listened or not."""

    events: Sequence[Event]
    run_of: tuple[int, ...]
    runs: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, events: Sequence[Event]) -> _Trace:
        """A trace's events, cut where the node changes."""
        runs: list[list[int]] = []
        for index, event in enumerate(events):
            if index and event.get("node") == events[index - 1].get("node"):
                runs[-1].append(index)
            else:
                runs.append([index])
        run_of = tuple(number for number, run in enumerate(runs) for _ in run)
        return cls(events, run_of, tuple(tuple(run) for run in runs))

    def kinds(self, index: int) -> set[str]:
        """The kinds of event in the run of an event."""
        return {self.events[i]["event"] for i in self.runs[self.run_of[index]]}

    def recording(self, index: int) -> bool:
        """Whether the event belongs to a node that recorded the caller."""
        return bool(self.kinds(index) & set(RECORDINGS))

    def agent_hung_up(self, index: int) -> bool:
        """Whether the agent who answered at `index` ended the conversation."""
        later = (self.events[i] for i in self.runs[self.run_of[index]] if i > index)
        return any(e["event"] == "hangup" and e.get("by") == "agent" for e in later)

    def listens_from_start(self, index: int) -> bool:
        """Whether the prompt at `index` listened for the caller while it played."""
        kinds = self.kinds(index)
        if "queue" in kinds:  # the offer listens; position announcements do not
            before = self.events[index - 1]
            return not (before["event"] == "queue" and "position" in before)
        if kinds & {*RECORDINGS, "transfer", "fallback"}:
            return False
        return self._interactive(index)

    def _interactive(self, index: int) -> bool:
        run = self.runs[self.run_of[index]]
        events = [self.events[i] for i in run]
        prompts = [e for e in events if e["event"] == "prompt"]
        acted = any(e["event"] in ("input", "menu_failed") or _hung_up(e) for e in events)
        after = run[-1] + 1
        ends_at = self.events[after]["t"] if after < len(self.events) else events[-1]["t"]
        return acted or len(prompts) > 1 or ends_at > max(_prompt_end(p) for p in prompts) + EPSILON_S


def script_from_trace(events: Sequence[Event]) -> list[Step]:
    """The caller's steps (and their agents') that make the recorded call again on the same flow."""
    trace = _Trace.of(events)
    steps: list[Step] = []
    last = 0  # the caller's previous step
    spoken = -1  # the run whose recorded message is in the script
    answered_at = transfer_at = 0.0
    for index, event in enumerate(events):
        kind = event["event"]
        if index and trace.run_of[index] != trace.run_of[index - 1] and trace.recording(index):
            message = _message(trace, index)
            if message is not None:
                moment, step, recorded = message
                steps.extend(_waited(_wait(trace, last, recorded, moment, step.kind)))
                steps.append(step)
                spoken = trace.run_of[index]
        if kind == "input" or _hung_up(event):
            after_message = trace.run_of[index] == spoken  # the recording listened on since the message
            step = _caller_step(event)
            steps.extend(_waited(None if after_message else _wait(trace, last, index, _acted_at(event), step.kind)))
            steps.append(step)
            last = index
        elif kind in RECORDINGS and trace.run_of[index] == spoken:
            last = index
        elif kind == "agent":
            answered_at = event["t"]
            steps.append(Step("agent", seconds=float(event["answered_after"])))
        elif kind == "hangup" and event.get("by") == "agent":
            steps.append(Step("agent-hangup", seconds=round(event["t"] - answered_at, 3)))
        elif kind == "transfer":
            transfer_at = event["t"]
        elif kind == "end" and event.get("reason") == "transferred":
            steps.append(Step("agent", seconds=round(event["t"] - transfer_at, 3)))
    return steps


def _waited(seconds: float | None) -> list[Step]:
    return [Step("wait", seconds=seconds)] if seconds else []


def _hung_up(event: Event) -> bool:
    return event["event"] == "end" and event.get("by") == "caller"


def _caller_step(event: Event) -> Step:
    if _hung_up(event):
        return Step("hangup")
    if "dtmf" in event:
        if event["dtmf"] == MASK:
            raise ReplayError(
                f"the keys pressed at {event['t']} s are masked in the trace, so the call cannot be replayed"
            )
        return Step("dtmf", str(event["dtmf"]))
    if event.get("file"):
        return Step("audio", str(event["file"]))
    if event.get("speech") == MASK:
        raise ReplayError(f"the words said at {event['t']} s are masked in the trace, so the call cannot be replayed")
    return Step("say", str(event.get("speech")))


def _acted_at(event: Event) -> float:
    """When the caller started to act: words are recorded once said."""
    t = float(event["t"])
    if event["event"] == "input" and event.get("speech") is not None and not event.get("file"):
        return t - min(speaking_time(Audio(text=str(event["speech"]))), MAX_SPEECH_S)
    return t


def _prompt_end(event: Event) -> float:
    return float(event["t"]) + speaking_time(Audio(text=event.get("text"), file=event.get("file")))


def _wait(trace: _Trace, last: int, index: int, moment: float, step: str) -> float | None:
    """The silence before a caller's step, if the caller took longer than an immediate reaction.

    The silence counts from the first moment the flow listened after the caller's previous step; a caller who
    does not wait acts `REACTION_S` after the first moment the flow takes such a step, or after a prompt too short
    to react to. A prompt of a listening node is taken to listen while it plays (barge-in, the default of menus and
    collect nodes); a queue listens from the start, but only for a hang-up.
    """
    events = trace.events
    chances: list[tuple[float, tuple[float, ...], bool]] = []  # (listening from, ready at, takes this step)
    previous = events[last]
    if previous["event"] == "input" and events[last + 1]["t"] > previous["t"] + EPSILON_S:
        chances.append((previous["t"], (previous["t"],), True))  # the node kept listening for more keys
    for j in range(last + 1, index):
        event = events[j]
        waiting = event["event"] == "queue" and event.get("action") == "join"
        talking = event["event"] == "agent" and not trace.agent_hung_up(j)
        if waiting or talking:
            chances.append((event["t"], (event["t"],), step == "hangup"))
        if event["event"] != "prompt" or _skipped(events, j):
            continue
        end = _prompt_end(event)
        if trace.listens_from_start(j):  # a prompt under a second is over before the caller can react
            chances.append((event["t"], (event["t"], end) if end - event["t"] < REACTION_S else (event["t"],), True))
        elif trace.recording(j):
            chances.append((end, (end,), True))
    if not chances:
        return None
    start = min(c[0] for c in chances)
    ready = next((c[1] for c in sorted(chances) if c[2]), ())
    if moment - start <= REACTION_S + EPSILON_S or any(abs(moment - REACTION_S - r) <= EPSILON_S for r in ready):
        return None
    return round(moment - start, 3)


def _skipped(events: Sequence[Event], index: int) -> bool:
    """Whether a prompt was cut short before it began, by keys typed ahead: nothing played, no time passed."""
    after = index + 1
    return after < len(events) and abs(events[after]["t"] - events[index]["t"]) <= EPSILON_S


def _message(trace: _Trace, index: int) -> tuple[float, Step, int] | None:
    """Words as long as the message recorded in this run, when the caller began it, and the recording's event.

    The trace keeps a message's length, not its words; when it began is worked back from how the recording ended
    (after silence, the node's default silence of `RECORDING_SILENCE_S` is assumed).
    """
    run = trace.runs[trace.run_of[index]]
    recorded = next(i for i in run if trace.events[i]["event"] in RECORDINGS)
    event = trace.events[recorded]
    seconds = float(event.get("seconds") or 0)
    if seconds <= 0:
        return None
    ended_by = event.get("ended_by")
    ending = next((trace.events[i] for i in run if trace.events[i]["event"] in ("input", "end")), event)
    pause = {"silence": RECORDING_SILENCE_S, "max": 0.0}.get(str(ended_by), REACTION_S)
    moment = float(ending["t"]) - pause - seconds
    at_least = ended_by == "max"  # a message cut at the maximum was at least that long
    choices = []
    for words in (1, 2, 3):
        exact = (seconds - 0.3 - 0.33 * words) / 0.22
        wide = max(0, math.ceil(exact) if at_least else round(exact))
        choices.append((abs(speaking_time(Audio(text=_words(wide, words))) - seconds), wide, words))
    _, wide, words = min(choices)
    return moment, Step("say", _words(wide, words)), recorded


def _words(wide: int, words: int) -> str:
    """Filler words: each wide character takes 0.22 s to say and each other word 0.33 s."""
    return ("嗯" * wide + " " + " ".join(["mm"] * words)).strip()


# -- the call as the caller lived it --------------------------------------------------------------------------


def _input(e: Event) -> str:
    if "dtmf" in e:
        return f"presses {e['dtmf']}"
    return f"says @{e['file']} (heard {e.get('speech')!r})" if e.get("file") else f"says {e.get('speech')!r}"


def _queue(e: Event) -> str | None:
    if e.get("action") == "join":
        return f"waits in queue {e.get('queue')}"
    return f"leaves queue {e.get('queue')}: {e.get('outcome')}" if e.get("action") == "leave" else None


def _end(e: Event) -> str:
    reason = e.get("reason")
    if reason == "hangup":
        return f"call ends: {e.get('by')} hangs up"
    return f"call ends: transferred to {e.get('destination')}" if reason == "transferred" else f"call ends: {reason}"


_SHOWN: dict[str, Callable[[Event], str | None]] = {
    "input": _input,
    "queue": _queue,
    "agent": lambda e: "an agent answers",
    "hangup": lambda e: "the agent hangs up" if e.get("by") == "agent" else None,
    "transfer": lambda e: f"is put through to {e.get('destination')}",
    "transfer_failed": lambda e: f"{e.get('destination')} does not answer ({e.get('outcome')})",
    "voicemail": lambda e: (
        f"leaves a message for {e.get('mailbox')}" + ("" if e.get("kept") else " (too short, not kept)")
    ),
    "record": lambda e: "is recorded" + ("" if e.get("kept") else " (too short, not kept)"),
    "end": _end,
}


def experience(events: Sequence[Event]) -> list[str]:
    """What the caller lives through, line by line: prompts heard, inputs, queues, transfers, messages, the end."""
    lines = []
    for index, event in enumerate(events):
        if event["event"] == "prompt":
            said = event.get("text") or f"<{event.get('file')}>"
            lines.append(f"skips {said} (keys typed ahead)" if _skipped(events, index) else f"hears {said}")
        elif event["event"] in _SHOWN and (line := _SHOWN[event["event"]](event)) is not None:
            lines.append(line)
    return lines


# -- the rest of the recorded call ----------------------------------------------------------------------------


def call_options(events: Sequence[Event]) -> dict[str, Any]:
    """The recorded call's caller, number dialled, first queue position and time limit, for `Simulator.call`."""
    start, end = events[0], events[-1]
    position = next((e["position"] for e in events if e["event"] == "queue" and "position" in e), 1)
    limit = float(end["t"]) if end["event"] == "end" and end.get("reason") == "time_limit" else DEFAULT_LIMIT_S
    return {
        "caller": str(start.get("caller", "10000000000")),
        "called": str(start.get("called", "12345")),
        "queue_position": int(position),
        "limit_s": limit,
    }


def recognizer(events: Sequence[Event]) -> Recognize | None:
    """A recogniser that hears each audio file of the trace as it was heard then."""
    heard = {str(e["file"]): e.get("speech") for e in events if e["event"] == "input" and e.get("file")}
    if not heard:
        return None

    def recognize(file: str, phrases: tuple[str, ...], language: str) -> Speech | None:
        text = heard.get(file)
        return Speech(str(text), 1.0) if text is not None else None

    return recognize
