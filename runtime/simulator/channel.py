"""A scripted caller on a virtual clock, behind the same `Channel` protocol as a live Asterisk channel.

The line keeps a live line's time (`line.py`): each thing the flow asks of it (a prompt, a wait for keys, a
recording) starts `COMMAND_GAP_S` later, and a prompt lasts as long as its audio (`PromptLengths`). An untimed caller
step is used when the flow next listens (a prompt that keys may interrupt, a wait for keys or speech, a recording, the
offer in a queue), `REACTION_S` after it starts listening. A timed step happens at its moment: a key or words
nobody listens for then are lost (traced as an `input` with `lost`), and a hang-up ends the call wherever it comes.
Far-side steps (`agent:S`, `agent-hangup:S`) are used by the next queue or transfer. When the script runs out, the
caller stays silent.
"""

from __future__ import annotations

import math
import unicodedata
from collections import deque
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from callflow.runtime.signals import Hangup, RuntimeFailure
from callflow.runtime.simulator.clock import VirtualClock
from callflow.runtime.simulator.line import BEEP_S, COMMAND_GAP_S, DIGIT_INTERVAL_S, OFFER_ANSWER_S, REACTION_S
from callflow.runtime.simulator.script import FAR_SIDE_STEPS, Step, is_timed
from callflow.runtime.trace import Tracer
from callflow.runtime.typeahead import TypeAhead
from callflow.runtime.types import Audio, QueueOutcome, QueueRequest, Recording, Speech, TransferOutcome

__all__ = ["REACTION_S", "Recognize", "SimulatedChannel", "speaking_time"]

Recognize = Callable[[str, tuple[str, ...], str], Speech | None]
"""Recognises an audio file against expected phrases in a language (the speech component provides it)."""

Length = Callable[[Audio], float]
"""How long a prompt plays."""

SPOKEN_FILE_S = 5.0
"""How long a caller's `say:@FILE` lasts in a recording."""

KEYS = ("dtmf", "hangup")
WORDS = ("say", "audio", "dtmf", "hangup")


def speaking_time(audio: Audio) -> float:
    """Roughly how long a caller takes to say something: Chinese characters and words at a natural pace."""
    return 2.0 if audio.text is None else _speaking_time(audio.text)


@lru_cache(maxsize=4096)
def _speaking_time(text: str) -> float:
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in text]
    words = len("".join(" " if w else ch for ch, w in zip(text, wide, strict=True)).split())
    return round(0.3 + sum(wide) * 0.22 + words * 0.33, 2)


def _span(start: float | None, end: float) -> float:
    """Seconds from the first words to the end of the last (none said: 0)."""
    return 0.0 if start is None else round(end - start, 2)


def timed_events(steps: list[Step]) -> deque[Step]:
    """A timed script as single events in time order: each key of a step `DIGIT_INTERVAL_S` after the last."""
    events: deque[Step] = deque()
    for step in steps:
        assert step.at is not None
        if step.kind == "dtmf":
            events.extend(Step("dtmf", key, at=step.at + i * DIGIT_INTERVAL_S) for i, key in enumerate(step.text))
        else:
            events.append(step)
    return events


class SimulatedChannel(TypeAhead):
    """A caller who follows a script."""

    __slots__ = (
        "caller_steps",
        "clock",
        "far_steps",
        "keys",
        "length",
        "queue_position",
        "recognize",
        "silent_until",
        "timed",
        "tracer",
    )

    def __init__(
        self,
        steps: list[Step],
        clock: VirtualClock,
        tracer: Tracer,
        *,
        queue_position: int = 1,
        recognize: Recognize | None = None,
        length: Length | None = None,
    ) -> None:
        self.far_steps = deque([s for s in steps if s.kind in FAR_SIDE_STEPS])
        caller = [s for s in steps if s.kind not in FAR_SIDE_STEPS] if self.far_steps else steps
        self.timed = is_timed(caller)
        self.caller_steps = timed_events(caller) if self.timed else deque(caller)
        self.clock = clock
        self.tracer = tracer
        self.keys: deque[str] = deque()
        self.silent_until = 0.0
        self.queue_position = queue_position
        self.recognize = recognize
        self.length: Length = length or speaking_time

    # -- the caller's next move ------------------------------------------------------------------------------

    def _next(
        self, deadline: float, during: str = "keys", kinds: tuple[str, ...] = KEYS, keys: str | None = None
    ) -> tuple[float, Step] | None:
        """The caller's next move, if it comes by the deadline. Untimed: the next step, whatever it is, once the
        caller has reacted (silence is used up). Timed: the first key (among `keys`), words or hang-up of `kinds`;
        what comes before it that the flow does not listen for is lost `during` this."""
        steps = self.caller_steps
        if self.timed:
            while steps and (at := steps[0].at or 0.0) <= deadline:
                event = steps[0]
                heard = event.kind in kinds and (keys is None or event.kind != "dtmf" or event.text in keys)
                if heard or event.kind == "hangup":
                    return (at if at > self.clock.t else self.clock.t), event
                steps.popleft()
                self._lost(event, during)
            return None
        while steps and steps[0].kind == "wait":
            wait = steps.popleft()
            self.silent_until = max(self.silent_until, self.clock.t) + wait.seconds
        if not steps:
            return None
        at = self.clock.t + REACTION_S
        if at < self.silent_until:  # max(), written out: the same moment, without a call
            at = self.silent_until
        return (at, steps[0]) if at <= deadline else None

    def _take(self, at: float, step: Step) -> None:
        self.caller_steps.popleft()
        self.clock.advance_to(at)
        if step.kind == "hangup":
            raise Hangup("caller")
        if step.kind == "dtmf":
            self.keys.extend(step.text)
            self.tracer.record("input", None, {"dtmf": step.text})

    def _deaf(self, until: float, during: str) -> None:
        """Time passes while the line listens for nothing: timed keys and words are lost, a timed hang-up ends the
        call where it comes."""
        if self.timed:
            steps = self.caller_steps
            while steps and (at := steps[0].at or 0.0) < until:
                event = steps.popleft()
                if event.kind == "hangup":
                    self.clock.advance_to(at)
                    raise Hangup("caller")
                self._lost(event, during)
        self.clock.advance_to(until)

    def _lost(self, event: Step, during: str) -> None:
        self.clock.advance_to(event.at or 0.0)
        what = {"dtmf": "dtmf", "say": "speech", "audio": "file"}[event.kind]
        self.tracer.record("input", None, {what: event.text, "lost": during})

    def _command(self) -> None:
        """The line takes up what the flow asked for at its next poll; nothing listens meanwhile."""
        self._deaf(self.clock.t + COMMAND_GAP_S, "pause")

    # -- Channel ---------------------------------------------------------------------------------------------

    async def play(self, audio: Audio, *, barge_in: bool) -> bool:
        """Play a prompt; with barge-in the caller's next key (or hang-up) may cut it short."""
        if barge_in and self.keys:
            return True
        self._command()
        end = self.clock.t + self.length(audio)
        if barge_in:
            found = self._next(end, "prompt")
            if found is not None and found[1].kind in KEYS:
                self._take(*found)
                return True
        self._deaf(end, "prompt")
        return False

    async def read_key(self, timeout_s: float) -> str | None:
        """The next key: typed ahead, or pressed before the timeout."""
        return self._key(timeout_s, words_wasted=True)

    def _key(self, timeout_s: float, *, words_wasted: bool) -> str | None:
        """A key typed ahead or pressed before the timeout; untimed words said instead are heard as nothing (when
        `words_wasted`) or kept for later."""
        if self.keys:
            return self.keys.popleft()
        self._command()
        deadline = self.clock.t + timeout_s
        found = self._next(deadline, "keys")
        if found is not None and found[1].kind in KEYS:
            self._take(*found)
            return self.keys.popleft()
        if found is not None and words_wasted:  # words said where keys were expected: heard as nothing
            self.caller_steps.popleft()
            self.tracer.record("input", None, {"speech": found[1].text, "ignored": True})
        self.clock.advance_to(deadline)
        return None

    async def listen(
        self, phrases: tuple[str, ...], language: str, timeout_s: float, max_speech_s: float
    ) -> Speech | None:
        """The caller's next words: `say:TEXT` as recognised text, `say:@FILE` through the recogniser."""
        self._command()
        found = self._next(self.clock.t + timeout_s, "keys", WORDS)
        if found is None:
            self.clock.advance(timeout_s)
            return None
        at, step = found
        if step.kind in KEYS:
            self._take(at, step)
            return None
        self.caller_steps.popleft()
        self.clock.advance_to(at)
        if step.kind == "say":
            self.clock.advance(min(speaking_time(Audio(step.text, language)), max_speech_s))
            self.tracer.record("input", None, {"speech": step.text})
            return Speech(step.text, 1.0)
        if self.recognize is None:
            raise RuntimeFailure(f"`say:@{step.text}` needs the speech recogniser, which is not available")
        heard = self.recognize(step.text, phrases, language)
        self.tracer.record("input", None, {"speech": heard.text if heard else "", "file": step.text})
        return heard

    async def record(self, *, max_s: float, silence_s: float, terminator: str | None, beep: bool) -> Recording:
        """Record what the caller says (`say:` steps) until silence, the terminator, the maximum or hang-up.

        The message lasts from the first words to the end of the last (pauses between them count); silence
        before the words, between them or after them ends it once it lasts `silence_s`.
        """
        self._command()
        if beep:  # a prompt of its own, without escape digits: keys under it are lost
            try:
                self._deaf(self.clock.t + BEEP_S, "beep")
            except Hangup:
                return Recording(0.0, "hangup")
        start = speech_end = self.clock.t
        spoken_from: float | None = None
        while True:
            ends = min(start + max_s, speech_end + silence_s)
            found = self._next(ends if self.timed else math.inf, "recording", WORDS, terminator or "")
            if found is None or found[0] - speech_end >= silence_s:
                break  # nothing more, or the caller stayed silent long enough
            at, step = found
            if step.kind in ("say", "audio"):
                self.caller_steps.popleft()
                self.clock.advance_to(at)
                spoken_from = at if spoken_from is None else spoken_from
                length = speaking_time(Audio(step.text, None)) if step.kind == "say" else SPOKEN_FILE_S
                if at + length - start >= max_s:
                    self._deaf(start + max_s, "recording")
                    return Recording(max_s, "max")  # a recording cut at the maximum is that long
                self.clock.advance(length)
                speech_end = self.clock.t
                continue
            if step.kind == "hangup":
                self.caller_steps.popleft()
                self.clock.advance_to(at)
                return Recording(_span(spoken_from, speech_end), "hangup")
            if step.kind == "dtmf" and terminator and step.text.startswith(terminator):
                self.caller_steps.popleft()
                self.clock.advance_to(at)
                self.tracer.record("input", None, {"dtmf": step.text})
                return Recording(_span(spoken_from, speech_end), "key")
            break
        self._deaf(speech_end + silence_s, "recording")
        return Recording(_span(spoken_from, speech_end), "silence")

    async def wait_in_queue(self, request: QueueRequest) -> QueueOutcome:
        """Wait for an agent (`agent:S`), hearing the position, music, and the offer to leave."""
        self._command()
        start = self.clock.t
        answer_at = start + self.far_steps.popleft().seconds if self._far("agent") else math.inf
        offer_at = start + request.offer_after_s if request.offer and request.offer_after_s is not None else math.inf
        give_up_at = start + request.max_wait_s if request.max_wait_s is not None else math.inf
        position = self.queue_position
        next_announcement = start
        while True:
            moment = min(answer_at, offer_at, give_up_at, next_announcement)
            caller = self._next(moment, "queue", ("hangup",))
            if caller is not None and caller[1].kind == "hangup":
                self._take(*caller)
            self._deaf(moment, "queue")
            if moment == answer_at:
                return self._talk(start, position)
            if moment == give_up_at:
                return QueueOutcome("timeout", self.clock.t - start, position)
            if moment == offer_at:
                offer_at = math.inf
                assert request.offer is not None
                await self.play(request.offer(), barge_in=True)
                key = self._key(OFFER_ANSWER_S, words_wasted=False)
                self.keys.clear()
                if key == request.offer_key:
                    return QueueOutcome("offer", self.clock.t - start, position)
                continue
            if request.announce is not None and (audio := request.announce(position)) is not None:
                await self.play(audio, barge_in=False)
            # one caller ahead is served between announcements; a caller with nobody ahead hears no more of them
            position = max(1, position - 1) if position > 0 else 0
            next_announcement = moment + request.announce_every_s if position > 0 else math.inf

    def _far(self, kind: str) -> bool:
        return bool(self.far_steps) and self.far_steps[0].kind == kind

    def _talk(self, start: float, position: int) -> QueueOutcome:
        self.tracer.record("agent", None, {"answered_after": round(self.clock.t - start, 3)})
        if self._far("agent-hangup"):
            end = self.clock.t + self.far_steps.popleft().seconds
            if self.timed and (caller := self._next(end, "conversation", ("hangup",))) is not None:
                self._take(*caller)
            self._deaf(end, "conversation")
            self.tracer.record("hangup", None, {"by": "agent"})
            return QueueOutcome("done", self.clock.t - start, position)
        found = self._next(math.inf, "conversation", ("hangup",))
        if found is not None and found[1].kind == "hangup":
            self._take(*found)
        self.clock.advance(math.inf)  # nobody ends the conversation: the time limit does
        raise AssertionError("unreachable")

    async def transfer(self, destination: str, target: Mapping[str, Any], ring_s: float) -> TransferOutcome:
        """Ring a destination: answered by `agent:S` within the ring time, otherwise no answer."""
        self._command()
        answered = self._far("agent") and self.far_steps[0].seconds <= ring_s
        ends = self.clock.t + (self.far_steps[0].seconds if answered else ring_s)
        if self.timed and (caller := self._next(ends, "ringing", ("hangup",))) is not None:
            self._take(*caller)
        self._deaf(ends, "ringing")
        if answered:
            self.far_steps.popleft()
            return TransferOutcome("answered")
        return TransferOutcome("no_answer")

    async def hangup(self) -> None:
        """Nothing to do: the simulated line just ends."""
