"""The caller's side of end-to-end calls, played over AMI the way the recorded `playdtmf-from-ami` session does it.

A `Phone` originates a Local channel pair: the `;2` half runs the dialplan into Callflow, the `;1` half is a caller
that idles (`caller-live,idle` on the test server, `callflow-test-caller,idle` on a live Asterisk) while the test
presses keys on it with the AMI `PlayDTMF` action and hangs it up with the AMI `Hangup` action. To speak, the caller
is sent with the AMI `Redirect` action to `callflow-test-caller,say`, which plays the sound file the call's
`CALLFLOW_TEST_SAY` variable names, then silence (spoken-answer.txt). The phone watches
the AGI commands Callflow sends (`AGIExecStart` events) to know what the caller hears. The same test code runs
against the AMI test server and against a real Asterisk. Every wait is on events, with a wall-clock deadline
stretched by the measured slowdown (`slowdown`).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import slowdown

from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.ami import AmiConnection
from callflow.runtime.asterisk.dialplan import TEST_CALLER_CONTEXT, TEST_SAY_EXTEN
from callflow.runtime.asterisk.protocol import Message

_numbers = itertools.count(1)


@dataclass
class PhoneCall:
    """One call placed by the phone."""

    phone: Phone
    action_id: str
    uniqueid: str
    """`<uniqueid>-caller` is the caller's half, `<uniqueid>-ivr` Callflow's (Originate's ChannelId and
    OtherChannelId)."""
    caller_channel: str | None = None
    ivr_channel: str | None = None
    commands: list[str] = field(default_factory=list)
    """Every AGI command Callflow ran on the call, in order."""
    started: list[float] = field(default_factory=list)
    """When the phone learnt each command had started (`Phone.timestamp`), as `commands`."""
    dialplan: list[tuple[str, str, str]] = field(default_factory=list)
    """(context, extension, application) of every dialplan step Callflow's half ran (`Newexten`)."""
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def until(self, predicate: Callable[[str], bool], timeout_s: float = 20) -> str:
        """Wait until Callflow runs a command that matches (one already run counts); that command."""
        seen = 0

        async def wait() -> str:
            nonlocal seen
            while True:
                for command in self.commands[seen:]:
                    seen += 1
                    if predicate(command):
                        return command
                if self.ended.is_set():
                    raise AssertionError(f"the call ended first; commands: {self.commands}")
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(wait(), slowdown.seconds(timeout_s))

    async def reaches(self, context: str, application: str, timeout_s: float = 30) -> None:
        """Wait until Callflow's half runs `application` in `context` of the dialplan."""

        async def wait() -> None:
            while not any(c == context and a == application for c, _, a in self.dialplan):
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), slowdown.seconds(timeout_s))

    async def hears(self, file: str, timeout_s: float = 20) -> str:
        """Wait until Callflow starts playing `file` (a path without `.wav`)."""
        return await self.until(
            lambda c: c.upper().startswith(("STREAM FILE", "CONTROL STREAM FILE")) and file in c, timeout_s
        )

    async def press(self, digits: str, duration_ms: int = 200) -> None:
        """Press keys on the caller's half, one `PlayDTMF` each (each answered once its tone has played)."""
        assert self.caller_channel is not None
        for digit in digits:
            await self.phone.connection.send(
                Message(
                    [
                        ("Action", "PlayDTMF"),
                        ("Channel", self.caller_channel),
                        ("Digit", digit),
                        ("Duration", str(duration_ms)),
                    ]
                )
            )

    async def say(self) -> None:
        """The caller says what the call's `CALLFLOW_TEST_SAY` names (`Phone.call(say=...)`), then keeps silent."""
        assert self.caller_channel is not None
        redirect = [("Action", "Redirect"), ("Channel", self.caller_channel), ("Context", TEST_CALLER_CONTEXT)]
        await self.phone.connection.send(Message([*redirect, ("Exten", TEST_SAY_EXTEN), ("Priority", "1")]))

    async def hang_up(self) -> None:
        """The caller hangs up."""
        assert self.caller_channel is not None
        await self.phone.connection.send(Message([("Action", "Hangup"), ("Channel", self.caller_channel)]))

    async def wait_ended(self, timeout_s: float = 30) -> None:
        """Wait until Callflow's half of the call has hung up."""
        await asyncio.wait_for(self.ended.wait(), slowdown.seconds(timeout_s))

    def on_event(self, event: Message) -> None:
        name = event.get("Event")
        uniqueid = event.get("Uniqueid")
        if name == "OriginateResponse" and event.get("ActionID") == self.action_id:
            if event.get("Response") == "Success":
                self.answered.set()
            else:
                self.ended.set()
        elif uniqueid == f"{self.uniqueid}-caller":
            self.caller_channel = event.get("Channel")
        elif uniqueid == f"{self.uniqueid}-ivr":
            self.ivr_channel = event.get("Channel")
            if name == "AGIExecStart":
                self.commands.append(event.get("Command", ""))
                self.started.append(self.phone.timestamp())
            elif name == "Newexten":
                self.dialplan.append(
                    (event.get("Context", ""), event.get("Extension", ""), event.get("Application", ""))
                )
            elif name == "Hangup":
                self.ended.set()
        self._changed.set()


class Phone:
    """Places calls into Callflow over AMI and plays the callers' part."""

    def __init__(
        self,
        address: AmiAddress,
        *,
        caller_context: str = "caller-live",
        ivr_context: str = "callflow",
        ring_ms: int = 120_000,
    ):
        """`ring_ms`: how long an Originate waits for Callflow to answer (long: a test server may run its clock
        fast, and 200 calls arriving at once are answered one after the other)."""
        self.ring_ms = ring_ms
        self.address = address
        self.caller_context = caller_context
        self.ivr_context = ivr_context
        # PlayDTMF is answered once its tone has played: many callers on one connection wait their turn
        self.connection = AmiConnection(
            address, self._event, events="agi,call,dialplan", action_timeout_s=slowdown.seconds(30)
        )
        self.calls: list[PhoneCall] = []
        self.timestamp: Callable[[], float] = lambda: asyncio.get_running_loop().time()
        """The clock the phone notes events by (the test server's model clock, for a test that counts its time)."""

    async def __aenter__(self) -> Phone:
        await self.connection.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()

    def _event(self, event: Message) -> None:
        for call in self.calls:
            call.on_event(event)

    async def call(
        self,
        number: str,
        caller_id: str = "13800000000",
        *,
        exten: str = "idle",
        answer_timeout_s: float = 20,
        variables: Mapping[str, str] | None = None,
    ) -> PhoneCall:
        """Dial `number` into Callflow's context and wait until Callflow answers; the caller's half runs `exten`
        of the caller context (`idle`: it waits while the test presses keys). `variables` are set on both halves
        (the Originate's `Variable` headers), e.g. `CALLFLOW_TEST_SAY` for `PhoneCall.say`."""
        n = next(_numbers)
        action_id = f"phone-{n}"
        call = PhoneCall(self, action_id, f"phone-{n}")
        self.calls.append(call)
        await self.connection.send(
            Message(
                [
                    ("Action", "Originate"),
                    ("ActionID", action_id),
                    ("Channel", f"Local/{number}@{self.ivr_context}"),
                    ("Context", self.caller_context),
                    ("Exten", exten),
                    ("Priority", "1"),
                    ("Async", "true"),
                    ("Timeout", str(self.ring_ms)),
                    ("CallerID", f'"Test Caller" <{caller_id}>'),
                    ("ChannelId", f"phone-{n}-caller"),
                    ("OtherChannelId", f"phone-{n}-ivr"),
                    *(("Variable", f"{name}={value}") for name, value in (variables or {}).items()),
                ]
            )
        )
        await asyncio.wait_for(call.answered.wait(), slowdown.seconds(answer_timeout_s))
        return call
