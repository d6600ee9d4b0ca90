"""`AsteriskChannel`: the engine's `Channel` protocol on a live call, in AGI commands.

Keys come back as the ASCII code in `result=` (facts 27–28); a key that cuts a prompt stays buffered for the next
read, like type-ahead in the simulator. A key pressed while no command runs is lost by Asterisk (fact 30); that
is how real lines behave and is not papered over. Secret input (a PIN) is masked by the tracer, never logged here.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callflow.runtime.asterisk.agi import (
    AgiSession,
    CommandFailed,
    DialplanFallback,
    ReplyLost,
    SessionEnded,
    argument,
)
from callflow.runtime.asterisk.prompts import PromptFiles
from callflow.runtime.asterisk.queue_schedule import QueueSchedule
from callflow.runtime.signals import Hangup
from callflow.runtime.trace import Tracer
from callflow.runtime.typeahead import TypeAhead
from callflow.runtime.types import Audio, QueueOutcome, QueueRequest, Recording, Speech, TransferOutcome
from callflow.speech.audio import AudioError, duration_s, peak_level
from callflow.speech.types import Recognizer

ALL_KEYS = "0123456789*#"
MARGIN_S = 5.0
"""Slack on top of how long a command should take before its missing reply counts as lost."""

SAMPLE_RATE_HZ = 8000
OFFER_ANSWER_S = 5.0
"""How long a caller has to take the queue's offer once it has been said."""

QUIET_PEAK = 0.02
"""Below this peak level (of full scale) a recording is silence, not an answer that matched nothing."""

_DIAL_TARGET = re.compile(r"[A-Za-z0-9_.+\-]+/[A-Za-z0-9_.+\-@:/]+")
_QUEUE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class LineSettings:
    """How a live line reaches the world: the dial string for numbers, and where recordings go."""

    recordings: Path
    trunk: str = "PJSIP/{number}@trunk"
    guard_s: float | None = 15.0
    """The dialplan's per-call guard: `TIMEOUT(absolute)` is kept this far ahead of every command we send, so a
    call whose driver vanished reaches the fallback within that long (None: no guard)."""


class AsteriskChannel(TypeAhead):
    """One live caller, driven with AGI commands."""

    def __init__(
        self,
        session: AgiSession,
        tracer: Tracer,
        prompts: PromptFiles,
        settings: LineSettings,
        allowed_destinations: Mapping[str, Any],
        recognizer: Recognizer | None = None,
    ) -> None:
        self.session = session
        self.tracer = tracer
        self.prompts = prompts
        self.settings = settings
        self.allowed_destinations = allowed_destinations
        self.recognizer = recognizer
        self.keys: deque[str] = deque()
        self.recordings = 0
        self._guard_until = 0.0

    # -- commands with the guard -----------------------------------------------------------------------------

    async def _run(self, command: str, expected_s: float | None) -> Any:
        """Run a command that should take about `expected_s` (None: as long as it takes), keeping the guard
        ahead of it; a hang-up while it waits ends the call.

        A command with no expected length (a queue, a transfer) runs with the guard lifted, and the guard is queued
        right behind it: Asterisk arms it the moment the command ends, so a caller whose driver vanished meanwhile
        still reaches the fallback."""
        rearm = self._rearm() if expected_s is None else None
        try:
            await self._guard(expected_s)
            timeout = None if expected_s is None else expected_s + MARGIN_S
            reply = await self.session.run(command, timeout_s=timeout, then=rearm)
        except SessionEnded:
            raise Hangup("caller") from None
        finally:
            if expected_s is None:
                self._guard_until = 0.0  # the next command arms the guard again
        if rearm is not None and self.settings.guard_s is not None:
            self._guard_until = self.tracer.clock.elapsed() + math.ceil(self.settings.guard_s)
        if reply.ok and reply.result == "-1" and command.startswith(("STREAM", "CONTROL", "WAIT", "GET")):
            raise Hangup("caller")
        return reply

    async def _guard(self, expected_s: float | None) -> None:
        """Push the dialplan's `TIMEOUT(absolute)` ahead of the next command when it would not cover it (the
        set is queued before the command, with no wait); `0` lifts it while a queue or a transfer runs."""
        guard = self.settings.guard_s
        if guard is None:
            return
        now = self.tracer.clock.elapsed()
        if expected_s is None:
            await self.session.post("SET VARIABLE TIMEOUT(absolute) 0")
            self._guard_until = math.inf
        elif self._guard_until < now + expected_s + guard / 2:
            ahead = math.ceil(expected_s + guard)
            await self.session.post(f"SET VARIABLE TIMEOUT(absolute) {ahead}")
            self._guard_until = now + ahead

    def _rearm(self) -> str | None:
        guard = self.settings.guard_s
        return None if guard is None else f"SET VARIABLE TIMEOUT(absolute) {math.ceil(guard)}"

    def _key(self, code: str | None) -> str | None:
        if code is None or not code.lstrip("-").isdigit() or int(code) <= 0:
            return None
        key = chr(int(code))
        self.tracer.emit("input", None, dtmf=key)
        return key

    # -- Channel ---------------------------------------------------------------------------------------------

    async def play(self, audio: Audio, *, barge_in: bool) -> bool:
        """STREAM FILE of the prompt's file (rendered by the speech component); escape keys for barge-in."""
        if barge_in and self.keys:
            return True
        path, seconds = await self.prompts.file_for(audio)
        escape = ALL_KEYS if barge_in else ""
        try:
            reply = await self._run(f'STREAM FILE {argument(path)} "{escape}"', seconds)
        except ReplyLost:
            return False
        key = self._key(reply.result)
        if key is not None:
            self.keys.append(key)
            return True
        if reply.result == "-1":
            raise Hangup("caller")
        return False

    async def read_key(self, timeout_s: float) -> str | None:
        """A key typed ahead, else WAIT FOR DIGIT."""
        if self.keys:
            return self.keys.popleft()
        try:
            reply = await self._run(f"WAIT FOR DIGIT {round(timeout_s * 1000)}", timeout_s)
        except ReplyLost:
            return None
        return self._key(reply.result)

    async def listen(
        self, phrases: tuple[str, ...], language: str, timeout_s: float, max_speech_s: float
    ) -> Speech | None:
        """Record the caller's answer and recognise it with vosk; a key ends the recording at once and is kept."""
        recording = await self._record(timeout_s + max_speech_s, timeout_s, ALL_KEYS, beep=False)
        if recording.ended_by == "hangup":
            raise Hangup("caller")
        if recording.ended_by == "key" or recording.file is None:
            return None
        if self.recognizer is None or recording.seconds <= 0:
            return None
        # vosk takes a good part of a second: in a worker thread, so that other calls go on meanwhile
        heard = await asyncio.to_thread(self.recognizer.recognize, Path(recording.file), language, phrases)
        if heard.text is None and heard.confidence == 0.0 and recording.ended_by == "silence" and _quiet(recording):
            return None
        self.tracer.emit("input", None, speech=heard.text or "")
        return Speech(heard.text or "", heard.confidence)

    async def record(self, *, max_s: float, silence_s: float, terminator: str | None, beep: bool) -> Recording:
        """RECORD FILE until the terminator, silence, the maximum, or hang-up."""
        return await self._record(max_s, silence_s, terminator or "", beep=beep)

    async def _record(self, max_s: float, silence_s: float, escape: str, *, beep: bool) -> Recording:
        """RECORD FILE; the beep is Callflow's own file (`PromptFiles.beep`), queued right before it so that the
        recording starts the moment the beep ends (commands queued run back to back, fact 40) and no sound of
        Asterisk's is needed (a source build without its sounds has no `beep`). A hang-up during the beep ends the
        session: the queued recording is dropped and reported as a hang-up."""
        self.recordings += 1
        target = self.settings.recordings / f"{self.session.call_id}-{self.recordings}"
        silence = f" s={max(1, round(silence_s))}" if silence_s > 0 else ""
        command = f'RECORD FILE {argument(str(target))} wav "{escape}" {round(max_s * 1000)} 0{silence}'
        file = f"{target}.wav"
        try:
            beep_s = 0.0
            if beep:
                path, beep_s = await self.prompts.beep()
                await self._guard(beep_s + max_s)
                await self.session.post(f'STREAM FILE {argument(path)} ""')
            reply = await self._run(command, beep_s + max_s)
        except ReplyLost:
            return Recording(_length(file), "silence", file)
        except (Hangup, SessionEnded):  # the session ended under the recording: what was said is still in the file
            return Recording(_length(file), "hangup", file)
        seconds = (reply.endpos or 0) / SAMPLE_RATE_HZ
        if reply.data == "dtmf":
            key = self._key(reply.result)
            if key is not None and escape == ALL_KEYS:
                self.keys.append(key)
            return Recording(seconds, "key", file)
        if reply.data == "hangup":
            return Recording(seconds, "hangup", file)
        if reply.result == "-1":  # failed, the caller still there (record-file-failures.txt)
            failure = f"RECORD FILE into {target}.wav failed ({reply.data or 'no reason given'})"
            if await self.session.alive():
                raise CommandFailed(failure)
            self.tracer.emit("error", None, message=f"{failure}; Asterisk ended AsyncAGI, its dialplan has the call")
            raise DialplanFallback()
        if reply.result == "0":
            return Recording(seconds, "max", file)
        return Recording(seconds, "silence", file)

    async def wait_in_queue(self, request: QueueRequest) -> QueueOutcome:
        """EXEC Queue (option `c`: the call comes back to us when the agent hangs up), in stretches.

        Each stretch times out when the flow has something to say (`QueueSchedule`): the caller hears the flow's own
        position announcement or offer and joins again where it left (Queue's 9th argument `position`, from
        `QUEUEPOSITION`; queue-rejoin.txt), so callers behind it stay behind it (one ahead who leaves meanwhile is
        not seen: docs/asterisk.md). The callers ahead are counted on entry with `QUEUE_WAITING_COUNT`, and the
        caller joins at the place it was counted at once it has heard that.
        """
        if not _QUEUE_NAME.fullmatch(request.queue):
            raise ValueError(f"unsafe queue name {request.queue!r}")
        clock = self.tracer.clock
        start = mark = clock.elapsed()
        schedule = QueueSchedule.of(request)
        place: int | None = None
        if request.announce is not None:
            ahead = await self._waiting_count(request.queue)
            place = ahead + 1
            await self._announce(request, ahead, schedule)
        while True:
            schedule.passed(clock.elapsed() - mark)
            if schedule.gives_up():  # the offer (or a slow announcement) took the rest of the wait
                return QueueOutcome("timeout", clock.elapsed() - start)
            timeout = schedule.stretch_s()
            at = "" if place is None else f",,,,{place}"
            try:
                await self._run(f"EXEC Queue {request.queue},c,,,{timeout}{at}", None)
            except ReplyLost:
                return QueueOutcome("timeout", clock.elapsed() - start)
            mark = clock.elapsed()
            status = await self._variable("QUEUESTATUS")
            if status == "CONTINUE":
                self.tracer.emit("hangup", None, by="agent")
                return QueueOutcome("done", clock.elapsed() - start)
            if status != "TIMEOUT":
                return QueueOutcome("timeout", clock.elapsed() - start)
            schedule.passed(timeout)
            if schedule.gives_up():
                return QueueOutcome("timeout", clock.elapsed() - start)
            place = _number(await self._variable("QUEUEPOSITION"))
            if schedule.offers() and request.offer is not None:
                await self.play(request.offer(), barge_in=True)
                if await self.read_key(OFFER_ANSWER_S) == request.offer_key:
                    return QueueOutcome("offer", clock.elapsed() - start)
            if schedule.announces() and request.announce is not None and place is not None:
                await self._announce(request, place - 1, schedule)

    async def _announce(self, request: QueueRequest, ahead: int, schedule: QueueSchedule) -> None:
        assert request.announce is not None
        audio = request.announce(ahead)
        if audio is not None:
            await self.play(audio, barge_in=False)
        schedule.announced(ahead)

    async def _waiting_count(self, queue: str) -> int:
        """The callers waiting in `queue` now (`QUEUE_WAITING_COUNT`, recorded in queue-rejoin.txt)."""
        try:
            value = await self.session.expression(f"${{QUEUE_WAITING_COUNT({queue})}}")
        except SessionEnded:
            raise Hangup("caller") from None
        return _number(value) or 0

    async def transfer(self, destination: str, target: Mapping[str, Any], ring_s: float) -> TransferOutcome:
        """EXEC Dial of an allow-listed destination; DIALSTATUS tells how it went."""
        if destination not in self.allowed_destinations:
            raise PermissionError(f"`{destination}` is not a destination of the environment")
        endpoint = target.get("endpoint")
        number = target.get("number")
        dial = str(endpoint) if endpoint else self.settings.trunk.format(number=number) if number else ""
        if not _DIAL_TARGET.fullmatch(dial):
            raise PermissionError(f"unsafe dial string {dial!r} for `{destination}`")
        try:
            await self._run(f"EXEC Dial {dial},{math.ceil(ring_s)}", None)
        except ReplyLost:
            return TransferOutcome("failed")
        status = await self._variable("DIALSTATUS")
        outcome = {"ANSWER": "answered", "BUSY": "busy", "NOANSWER": "no_answer"}.get(status or "", "failed")
        return TransferOutcome(outcome)

    async def hangup(self) -> None:
        """HANGUP (the session ends with it)."""
        if not self.session.ended:
            with contextlib.suppress(SessionEnded, ReplyLost):
                await self.session.run("HANGUP", timeout_s=MARGIN_S)

    async def _variable(self, name: str) -> str | None:
        try:
            return await self.session.variable(name)
        except SessionEnded:
            raise Hangup("caller") from None


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _quiet(recording: Recording) -> bool:
    """Whether a recording holds no sound worth recognising (a caller who said nothing)."""
    assert recording.file is not None
    try:
        return peak_level(Path(recording.file)) < QUIET_PEAK
    except AudioError:
        return True


def _length(file: str) -> float:
    """Seconds of audio in a recording Asterisk wrote (0 when there is none)."""
    try:
        return duration_s(Path(file))
    except AudioError:
        return 0.0
