"""Replaying a recorded call: the caller's script rebuilt from its trace, and the call as the caller lived it.

A trace (JSON lines, as `callflow simulate --json` prints them) records what the caller did, not the script that
made them do it. The script is rebuilt one of two ways:

- at the trace's own moments (`timed_script_from_trace`): each key, words and hang-up as a timed step, counted from
  the `start` event. A live call is replayed this way: against a new flow the caller presses the same keys at the
  same seconds, and loses those the new flow does not listen for.
- on the untimed caller's rules (`script_from_trace`, `runtime/simulator/channel.py`): a step is used when the flow
  next listens, the caller acts `REACTION_S` after that, and a `wait:` is silence counted from the first moment the
  flow listens after the previous step. So a wait is written only where the caller took longer than that. The
  trace does not say which prompts listened from their start (barge-in); a node is taken to have listened from its
  first prompt when the caller acted in it or it waited past its prompts. The line starts listening
  `COMMAND_GAP_S` after the flow asks (`runtime/simulator/line.py`), and a prompt lasts as long as `length` says: the
  same lengths as the call was simulated with (its environment's voices, its prompts folder).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callflow.runtime.simulator.channel import Recognize, speaking_time
from callflow.runtime.simulator.clock import DEFAULT_LIMIT_S, checked_limit
from callflow.runtime.simulator.line import BEEP_S, COMMAND_GAP_S, REACTION_S
from callflow.runtime.simulator.script import Step
from callflow.runtime.testing.experience import experience as experience  # re-exported: part of the API
from callflow.runtime.testing.experience import skipped
from callflow.runtime.testing.traces import ReplayError as ReplayError  # re-exported: part of the API
from callflow.runtime.testing.traces import read_trace as read_trace
from callflow.runtime.trace import MASK
from callflow.runtime.types import Audio, Speech
from callflow.speech.lengths import estimate_s
from callflow.speech.voices import voice_for

Event = Mapping[str, Any]

PromptLength = Callable[[Event], float]
"""How long the prompt of a `prompt` event played."""

EPSILON_S = 0.0015
"""Trace times are rounded to the millisecond and prompt lengths to the centisecond."""

MAX_SPEECH_S = 10.0
"""The longest answer a node listens to unless it says otherwise (`ask`'s default `max_speech`)."""

RECORDINGS = ("voicemail", "record")

RECORDING_SILENCE_S = 5.0
"""The silence that ends a recording unless its node says otherwise."""


# -- the caller's script --------------------------------------------------------------------------------------


def estimated_length(event: Event) -> float:
    """A prompt's length as the simulator estimates it with the default voices (`speech/lengths.py`)."""
    if event.get("file") or event.get("text") is None:
        return 2.0
    language = str(event.get("lang") or "en")
    return estimate_s(str(event["text"]), voice_for(language))


@dataclass(frozen=True)
class _Trace:
    """A trace cut into runs: stretches of events of one node, in which that node listened or not."""

    events: Sequence[Event]
    run_of: tuple[int, ...]
    runs: tuple[tuple[int, ...], ...]
    length: PromptLength

    @classmethod
    def of(cls, events: Sequence[Event], length: PromptLength) -> _Trace:
        """A trace's events, cut where the node changes."""
        runs: list[list[int]] = []
        for index, event in enumerate(events):
            if index and event.get("node") == events[index - 1].get("node"):
                runs[-1].append(index)
            else:
                runs.append([index])
        run_of = tuple(number for number, run in enumerate(runs) for _ in run)
        return cls(events, run_of, tuple(tuple(run) for run in runs), length)

    def prompt_end(self, index: int) -> float:
        """When the prompt at `index` ended, had it played out: the line starts it a moment after it is asked."""
        event = self.events[index]
        return float(event["t"]) + COMMAND_GAP_S + self.length(event)

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
        ends = max(self.prompt_end(i) for i in run if self.events[i]["event"] == "prompt")
        return acted or len(prompts) > 1 or ends_at > ends + EPSILON_S


def is_live(events: Sequence[Event]) -> bool:
    """Whether a trace is of a live call: its flow started after the line answered (`t` > 0); a simulated call's
    starts at 0."""
    return bool(events) and float(events[0]["t"]) > 0


def timed_script_from_trace(events: Sequence[Event]) -> list[Step]:
    """The caller's steps at the trace's own moments (seconds after the `start` event), and their agents'."""
    origin = float(events[0]["t"])
    trace = _Trace.of(events, estimated_length)
    steps: list[Step] = []
    answered_at = transfer_at = 0.0
    for index, event in enumerate(events):
        kind = event["event"]
        if index and trace.run_of[index] != trace.run_of[index - 1] and trace.recording(index):
            message = _message(trace, index)
            if message is not None:
                moment, step, _ = message
                steps.append(Step(step.kind, step.text, at=round(max(moment - origin, 0.0), 3)))
        if kind == "input" or _hung_up(event):
            step = _caller_step(event)
            steps.append(Step(step.kind, step.text, at=round(max(_acted_at(event) - origin, 0.0), 3)))
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


def script_from_trace(events: Sequence[Event], length: PromptLength = estimated_length) -> list[Step]:
    """The caller's untimed steps (and their agents') that make the recorded call again on the same flow, its
    prompts lasting as long as `length` says."""
    trace = _Trace.of(events, length)
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
        if kind == "input" and event.get("lost"):
            continue  # an untimed caller is always heard: a key the line lost is not in its script
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
        kept = previous["t"] + COMMAND_GAP_S  # the node kept listening for more keys, from its next command
        chances.append((kept, (kept,), True))
    for j in range(last + 1, index):
        event = events[j]
        waiting = event["event"] == "queue" and event.get("action") == "join"
        talking = event["event"] == "agent" and not trace.agent_hung_up(j)
        if waiting or talking:
            since = event["t"] + (COMMAND_GAP_S if waiting else 0.0)
            chances.append((since, (since,), step == "hangup"))
        if event["event"] != "prompt" or skipped(events, j):
            continue
        begins, end = event["t"] + COMMAND_GAP_S, trace.prompt_end(j)
        if trace.listens_from_start(j):  # a prompt under a second is over before the caller can react
            soon: tuple[float, ...] = (begins, end + COMMAND_GAP_S) if end - begins < REACTION_S else (begins,)
            chances.append((begins, soon, True))
        elif trace.recording(j):
            since = end + COMMAND_GAP_S + BEEP_S
            chances.append((since, (since,), True))
    if not chances:
        return None
    start = min(c[0] for c in chances)
    ready = next((c[1] for c in sorted(chances) if c[2]), ())
    if moment - start <= REACTION_S + EPSILON_S or any(abs(moment - REACTION_S - r) <= EPSILON_S for r in ready):
        return None
    return round(moment - start, 3)


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


# -- the rest of the recorded call ----------------------------------------------------------------------------


def call_options(events: Sequence[Event]) -> dict[str, Any]:
    """The recorded call's caller, number dialled, first queue position and time limit, for `Simulator.call`."""
    start, end = events[0], events[-1]
    position = next((e["position"] for e in events if e["event"] == "queue" and "position" in e), 1)
    limit = _time_limit(end) if end["event"] == "end" and end.get("reason") == "time_limit" else DEFAULT_LIMIT_S
    return {
        "caller": str(start.get("caller", "10000000000")),
        "called": str(start.get("called", "12345")),
        "queue_position": int(position),
        "limit_s": limit,
    }


def _time_limit(end: Event) -> float:
    """The time limit a recorded call ended at; ReplayError when no call could have it (`NaN`, `Infinity`)."""
    try:
        return checked_limit(end["t"])
    except ValueError as error:
        raise ReplayError(f"the recorded call ended at its time limit, but {error}") from None


def recognizer(events: Sequence[Event]) -> Recognize | None:
    """A recogniser that hears each audio file of the trace as it was heard then."""
    heard = {str(e["file"]): e.get("speech") for e in events if e["event"] == "input" and e.get("file")}
    if not heard:
        return None

    def recognize(file: str, phrases: tuple[str, ...], language: str) -> Speech | None:
        text = heard.get(file)
        return Speech(str(text), 1.0) if text is not None else None

    return recognize
