"""The Local channel pair an AMI `Originate` makes to `[callflow]`, and its AsyncAGI command queue.

The `;2` half runs `[callflow]` into `AGI(agi:async)` and executes queued AGI commands one at a time (the commands
themselves are in `ami_commands`); the `;1` half runs the caller's script (`ami_caller`) once `ANSWER` is executed.
Times are model times (`ami_clock`) kept as deadlines, so the order of events does not depend on how fast the test's
client answers. Every way a call ends is one recorded sequence (README fact 31, 17, 38, playdtmf-from-ami.txt).
A command or situation the recordings do not show is not guessed at: it is listed in `unrecorded` and the call stops.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import ami_endings as endings
from ami_caller import Caller
from ami_channels import (
    AGI_VERSION,
    ANSWER_S,
    AUDIO,
    HANGUP,
    POLL_S,
    CallScript,
    Command,
    Half,
    agi_encode,
    device_state,
)
from ami_commands import Reply, dispatch
from ami_local import announce_pair, local_bridge, originate_response, parse_caller_id
from ami_pbx import Pbx
from ami_sounds import Sound

from callflow.runtime.asterisk.protocol import Message

Signal = tuple[str, float]  # a digit, HANGUP or AUDIO, and the model time it came


@dataclass
class Segment:
    """A sound the caller plays towards the IVR, from `start` (model time) until it ends or is cut at `end`."""

    start: float
    sound: Sound
    end: float | None = None


@dataclass
class Listener:
    """A running command waiting for one of the digits `accepts` (or a hangup; or AUDIO, the caller starting to
    play a sound, when `audio`)."""

    accepts: str
    future: asyncio.Future[Signal]
    audio: bool = False


class Call:
    """A Local channel pair from one `Originate`; the `;2` half runs AsyncAGI, the `;1` half the caller's script."""

    def __init__(self, pbx: Pbx, request: Message, script: CallScript):
        self.pbx, self.clock, self.emit, self.request, self.script = pbx, pbx.clock, pbx.emit, request, script
        exten, _, context = request["Channel"].split("/", 1)[1].partition("@")
        number = pbx.local_number()
        base = f"Local/{exten}@{context}-{number:08x}"
        self.caller_id = parse_caller_id(request.get("CallerID", ""))
        one_id = request.get("ChannelId") or pbx.uniqueid(number, 1)
        two_id = request.get("OtherChannelId") or pbx.uniqueid(number, 2)
        now = self.clock.now()
        self.one = Half(f"{base};1", one_id, one_id, context, exten, 0, created_s=now)
        self.two = Half(f"{base};2", two_id, one_id, context, exten, 4, created_s=now)
        self.device = f"Local/{exten}@{context}"
        self.queue: asyncio.Queue[tuple[float, Command]] = asyncio.Queue()
        self.executed = 0
        self.in_agi = False
        self.answered = False
        self.answered_s = 0.0  # model time of the IVR's ANSWER (Dial's ANSWEREDTIME counts from it)
        self.stopped = False
        self.running: Command | None = None
        self.hangup_cause = "0"  # of the ;1 half after HANGUP; 16 once a queue member answered (fact 31)
        self.dialled = False  # an EXEC Dial answered (the HANGUP after it sets CHANLOCALSTATUS on ;1)
        self.absolute_timeout = 0  # how often TIMEOUT(absolute) was set (`ami_timeout`)
        self.caller_cause = "16"  # of the ;2 half after the caller left: 16 after Hangup(), 0 after the AMI Hangup
        self.audio: list[Segment] = []
        self.caller = Caller(self)
        self._listener: Listener | None = None
        self._first_frame: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._idle_since = 0.0
        self.logical = 0.0  # the model time the running AGI command has reached (its deadlines, not wake-ups)
        self.tasks: list[asyncio.Task[None]] = []

    def task(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine for this call (cancelled when the call stops)."""
        self.tasks.append(asyncio.create_task(coroutine))

    # ------------------------------------------------------------------ start

    def start(self) -> None:
        """Emit the recorded call-start events up to `AsyncAGIStart`, then run the AGI loop (fact 18, 19)."""
        one, two, emit = self.one, self.two, self.emit
        for half in (one, two):
            self.pbx.channels[half.name] = (self, half)
        announce_pair(emit, one, two, self.request, self.caller_id)
        emit(local_bridge(one, two))
        dial = [("DialString", f"{one.exten}@{one.context}")]
        emit(Message([("Event", "DialBegin"), ("Privilege", "call,all"), *one.headers("Dest"), *dial]))
        caller_all = f'"{self.caller_id[1]}" <{self.caller_id[0]}>'
        scenario = two.variables.get("LAB_SCENARIO", "")
        to = "" if two.exten == "s" else f" to {two.exten}"
        emit(two.newexten("NoOp", f"IVR: call{to} from {caller_all}, scenario {scenario}"))
        two.priority = 2
        emit(two.newexten("AGI", "agi:async"))
        emit(two.event("AsyncAGIStart", "agi", ("Env", agi_encode(self._env()))))
        self.in_agi = True
        self._idle_since = self.clock.now()
        self.task(self._agi_loop())
        if "Timeout" in self.request:
            self.task(endings.no_answer(self, self._idle_since + int(self.request["Timeout"]) / 1000))

    def _env(self) -> str:
        two = self.two
        env = [
            ("request", "async"), ("channel", two.name), ("language", "en"), ("type", "Local"),
            ("uniqueid", two.uniqueid), ("version", AGI_VERSION), ("callerid", self.caller_id[0]),
            ("calleridname", self.caller_id[1]), ("callingpres", "0"), ("callingani2", "0"), ("callington", "0"),
            ("callingtns", "0"), ("dnid", "unknown"), ("rdnis", "unknown"), ("context", two.context),
            ("extension", two.exten), ("priority", "2"), ("enhanced", "0.0"), ("accountcode", ""),
            ("threadid", str(139_600_000_000_000 + secrets.randbelow(10**11))),
        ]  # fmt: skip
        return "".join(f"agi_{k}: {v}\n" for k, v in env) + "\n"

    # --------------------------------------------------------------- AGI loop

    def enqueue(self, command: Command) -> None:
        """Queue a command from the `AGI` action."""
        self.queue.put_nowait((self.clock.now(), command))

    async def _agi_loop(self) -> None:
        while self.in_agi:
            queued_at, command = await self.queue.get()
            if not self.in_agi or self.stopped:
                return
            hints = self.pbx.bus.hints
            recorded = hints.pickup_s(self.two.name, self.executed) if hints is not None else None
            if queued_at < self._idle_since:  # queued while the previous command ran: no gap (fact 25, 40)
                deadline = self._idle_since
            elif recorded is not None:  # replaying: as recorded, even if the replayed client was slower
                deadline = self._idle_since + recorded
            else:
                deadline = max(self.clock.now(), queued_at + POLL_S)
            await self.until(deadline)
            if not self.in_agi or self.stopped:
                return
            self.executed += 1
            await self._execute(command, deadline)
            self._idle_since = self.logical

    async def _execute(self, command: Command, started: float) -> None:
        two = self.two
        exec_id = str(secrets.randbelow(2**31 - 1) + 1)
        self.emit(two.event("AGIExecStart", "agi", ("CommandId", exec_id), ("Command", command.text)))
        self.running = command
        reply = await dispatch(self, command.text, started)
        self.running = None
        if reply is None or self.stopped:
            self.stop_model()
            return
        ended = [("CommandId", exec_id), ("Command", command.text), ("ResultCode", reply.code), ("Result", reply.word)]
        self.emit(two.event("AGIExecEnd", "agi", *ended))
        client_id = [("CommandId", command.command_id)] if command.command_id is not None else []
        self.emit(two.event("AsyncAGIExec", "agi", ("Result", agi_encode(reply.line + "\n")), *client_id))
        for event in reply.after:
            self.emit(event)
        self._after(reply)

    def _after(self, reply: Reply) -> None:
        if reply.then == "hangup":
            endings.ivr_hangs_up(self)
        elif reply.then in ("break", "failure"):
            endings.dialplan_goes_on(self, "SUCCESS" if reply.then == "break" else "FAILURE")
        elif not self.one.alive:
            endings.after_caller_hangup(self)

    async def until(self, deadline: float) -> None:
        """The running AGI command waits until model time `deadline`."""
        await self.clock.until(deadline)
        self.logical = deadline

    def stop_model(self, what: str | None = None) -> None:
        """Stop modelling this call (something unrecorded happened): no more events from it."""
        if what is not None:
            self.pbx.refuse(what)
        self.stopped, self.in_agi = True, False
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()

    # ----------------------------------------------------------- the caller

    async def answer(self, started: float) -> str:
        """ANSWER: the answer events (fact 14), the caller's script starts; done at the caller's first audio frame
        or after `ANSWER_S` (0.60 s after the Response with a silent caller, 0.10 s with one playing audio)."""
        one, two, origin = self.one, self.two, self.request
        self.answered, self.answered_s = True, started
        two.state = 6
        self.emit(two.event("Newstate", "call"))
        self.emit(device_state(self.device, "INUSE"))
        self.emit(originate_response(self.request, self.caller_id, "Success", one.name, "4", one.uniqueid))
        one.state = 6
        self.emit(one.event("Newstate", "call"))
        dial_end = [("Event", "DialEnd"), ("Privilege", "call,all"), *one.headers("Dest"), ("DialStatus", "ANSWER")]
        self.emit(Message(dial_end))
        one.context, one.exten = origin.get("Context", ""), origin.get("Exten", "")
        self.caller.start(started)
        self.emit(device_state(self.device, "INUSE"))
        await self.clock.within(asyncio.shield(self._first_frame), started + ANSWER_S)
        await self.until(self._first_frame.result() if self._first_frame.done() else started + ANSWER_S)
        return "200 result=0"

    def play(self, sound: Sound, start: float) -> Segment:
        """The caller starts playing `sound` at model time `start`."""
        segment = Segment(start, sound)
        self.audio.append(segment)
        if not self._first_frame.done():
            self._first_frame.set_result(start)
        listener = self._listener
        if listener is not None and listener.audio and not listener.future.done():
            listener.future.set_result((AUDIO, start))
        return segment

    async def listen(self, accepts: str, deadline: float | None, *, audio: bool = False) -> Signal | None:
        """The first digit among `accepts` (or a hangup; or AUDIO if `audio`) before model time `deadline`, or
        None."""
        listener = Listener(accepts, asyncio.get_running_loop().create_future(), audio)
        self._listener = listener
        try:
            signal = await self.clock.within(asyncio.shield(listener.future), deadline)
            if signal is not None or deadline is not None:
                self.logical = signal[1] if signal is not None else deadline  # type: ignore[assignment]
            return signal
        finally:
            if self._listener is listener:
                self._listener = None

    def deliver(self, signal: str, at: float) -> None:
        """A digit (or HANGUP) reaches the `;2` half at model time `at`. A digit nobody reads is lost (fact 30)."""
        listener = self._listener
        if listener is not None and not listener.future.done() and (signal == HANGUP or signal in listener.accepts):
            listener.future.set_result((signal, at))
        elif self.running is not None and signal == HANGUP:
            self.stop_model(f"caller hangup during {self.running.text}")
        elif self.running is not None:
            self.pbx.refuse(f"digit {signal} during {self.running.text}")

    # ------------------------------------------------------------- endings

    def gone(self, half: Half) -> None:
        """A half has hung up."""
        half.alive = False
        self.pbx.channels.pop(half.name, None)

    def drop_queued(self) -> None:
        """The call is over: commands still queued are dropped silently (fact 32), the caller stops."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.caller.stop()

    def end_agi(self, status: str) -> None:
        """The AsyncAGI session ends: AsyncAGIEnd, then AGISTATUS (fact 31)."""
        self.in_agi = False
        self.emit(self.two.event("AsyncAGIEnd", "agi"))
        self.emit(self.two.var("AGISTATUS", status))

    def stop(self) -> None:
        """Cancel the call's tasks (server shutdown or restart)."""
        self.stopped = True
        for task in self.tasks:
            task.cancel()
        self.caller.stop()
