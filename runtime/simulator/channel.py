"""A scripted caller on a virtual clock, behind the same `Channel` protocol as a live Asterisk channel.

Each caller step is used when the flow next listens (a prompt that keys may interrupt, a wait for keys or
speech, a recording, the offer in a queue). Far-side steps (`agent:S`, `agent-hangup:S`) are used by the next
queue or transfer. When the script runs out, the caller stays silent.
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
from callflow.runtime.simulator.script import FAR_SIDE_STEPS, Step
from callflow.runtime.trace import Tracer
from callflow.runtime.typeahead import TypeAhead
from callflow.runtime.types import Audio, QueueOutcome, QueueRequest, Recording, Speech, TransferOutcome

REACTION_S = 1.0
"""How long a scripted caller takes to press a key or start speaking once the flow listens."""

FILE_PROMPT_S = 2.0
"""How long an audio-file prompt plays in the simulator."""

Recognize = Callable[[str, tuple[str, ...], str], Speech | None]
"""Recognises an audio file against expected phrases in a language (the speech component provides it)."""


def speaking_time(audio: Audio) -> float:
    """Roughly how long a prompt takes to say: Chinese characters and words at a natural pace."""
    return FILE_PROMPT_S if audio.text is None else _speaking_time(audio.text)


@lru_cache(maxsize=4096)
def _speaking_time(text: str) -> float:
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in text]
    words = len("".join(" " if w else ch for ch, w in zip(text, wide, strict=True)).split())
    return round(0.3 + sum(wide) * 0.22 + words * 0.33, 2)


def _span(start: float | None, end: float) -> float:
    """Seconds from the first words to the end of the last (none said: 0)."""
    return 0.0 if start is None else round(end - start, 2)


class SimulatedChannel(TypeAhead):
    """A caller who follows a script."""

    __slots__ = (
        "caller_steps",
        "clock",
        "far_steps",
        "keys",
        "queue_position",
        "recognize",
        "silent_until",
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
    ) -> None:
        self.far_steps = deque([s for s in steps if s.kind in FAR_SIDE_STEPS])
        self.caller_steps = deque([s for s in steps if s.kind not in FAR_SIDE_STEPS] if self.far_steps else steps)
        self.clock = clock
        self.tracer = tracer
        self.keys: deque[str] = deque()
        self.silent_until = 0.0
        self.queue_position = queue_position
        self.recognize = recognize

    # -- the caller's next move ------------------------------------------------------------------------------

    def _next(self, deadline: float) -> tuple[float, Step] | None:
        """The caller's next key, speech or hang-up, if it comes before the deadline (silence is used up)."""
        steps = self.caller_steps
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

    # -- Channel ---------------------------------------------------------------------------------------------

    async def play(self, audio: Audio, *, barge_in: bool) -> bool:
        """Play a prompt; with barge-in the caller's next key (or hang-up) may cut it short."""
        if barge_in and self.keys:
            return True
        text = audio.text  # speaking_time(audio), without a call: every prompt passes here
        end = self.clock.t + (FILE_PROMPT_S if text is None else _speaking_time(text))
        if barge_in:
            found = self._next(end)
            if found is not None and found[1].kind in ("dtmf", "hangup"):
                self._take(found[0], found[1])
                return True
        self.clock.advance_to(end)
        return False

    async def read_key(self, timeout_s: float) -> str | None:
        """The next key: typed ahead, or pressed before the timeout."""
        if self.keys:
            return self.keys.popleft()
        found = self._next(self.clock.t + timeout_s)
        if found is not None and found[1].kind in ("dtmf", "hangup"):
            self._take(found[0], found[1])
            return self.keys.popleft()
        deadline = self.clock.t + timeout_s
        if found is not None:  # words said where keys were expected: heard as nothing
            self.caller_steps.popleft()
            self.tracer.record("input", None, {"speech": found[1].text, "ignored": True})
        self.clock.advance_to(deadline)
        return None

    async def listen(
        self, phrases: tuple[str, ...], language: str, timeout_s: float, max_speech_s: float
    ) -> Speech | None:
        """The caller's next words: `say:TEXT` as recognised text, `say:@FILE` through the recogniser."""
        found = self._next(self.clock.t + timeout_s)
        if found is None:
            self.clock.advance(timeout_s)
            return None
        at, step = found
        if step.kind in ("dtmf", "hangup"):
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
        start = speech_end = self.clock.t
        spoken_from: float | None = None
        while True:
            found = self._next(math.inf)
            if found is None or found[0] - speech_end >= silence_s:
                break  # nothing more, or the caller stayed silent long enough
            at, step = found
            if step.kind in ("say", "audio"):
                self.caller_steps.popleft()
                self.clock.advance_to(at)
                spoken_from = at if spoken_from is None else spoken_from
                length = speaking_time(Audio(step.text, None)) if step.kind == "say" else 5.0
                if at + length - start >= max_s:
                    self.clock.advance_to(start + max_s)
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
        self.clock.advance_to(speech_end + silence_s)
        return Recording(_span(spoken_from, speech_end), "silence")

    async def wait_in_queue(self, request: QueueRequest) -> QueueOutcome:
        """Wait for an agent (`agent:S`), hearing the position, music, and the offer to leave."""
        start = self.clock.t
        answer_at = start + self.far_steps.popleft().seconds if self._far("agent") else math.inf
        offer_at = start + request.offer_after_s if request.offer and request.offer_after_s is not None else math.inf
        give_up_at = start + request.max_wait_s if request.max_wait_s is not None else math.inf
        position = self.queue_position
        next_announcement = start
        while True:
            caller = self._next(math.inf)
            hangup_at = caller[0] if caller is not None and caller[1].kind == "hangup" else math.inf
            moment = min(answer_at, offer_at, give_up_at, next_announcement, hangup_at)
            if moment == hangup_at:
                self._take(*caller)  # type: ignore[misc]
            self.clock.advance_to(moment)
            if moment == answer_at:
                return self._talk(start, position)
            if moment == give_up_at:
                return QueueOutcome("timeout", self.clock.t - start, position)
            if moment == offer_at:
                offer_at = math.inf
                assert request.offer is not None
                await self.play(request.offer(), barge_in=True)
                found = self._next(self.clock.t + REACTION_S + 4)
                if self.keys or (found is not None and found[1].kind in ("dtmf", "hangup")):
                    if not self.keys:
                        self._take(*found)  # type: ignore[misc]
                    if self.keys and self.keys[0] == request.offer_key:
                        self.keys.clear()
                        return QueueOutcome("offer", self.clock.t - start, position)
                    self.keys.clear()
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
            self.clock.advance(self.far_steps.popleft().seconds)
            self.tracer.record("hangup", None, {"by": "agent"})
            return QueueOutcome("done", self.clock.t - start, position)
        found = self._next(math.inf)
        if found is not None and found[1].kind == "hangup":
            self._take(*found)
        self.clock.advance(math.inf)  # nobody ends the conversation: the time limit does
        raise AssertionError("unreachable")

    async def transfer(self, destination: str, target: Mapping[str, Any], ring_s: float) -> TransferOutcome:
        """Ring a destination: answered by `agent:S` within the ring time, otherwise no answer."""
        if self._far("agent") and self.far_steps[0].seconds <= ring_s:
            self.clock.advance(self.far_steps.popleft().seconds)
            return TransferOutcome("answered")
        self.clock.advance(ring_s)
        return TransferOutcome("no_answer")

    async def hangup(self) -> None:
        """Nothing to do: the simulated line just ends."""
