"""One channel's AsyncAGI session: AGI commands sent with the AMI `AGI` action, replies taken from events.

What the recorded Asterisk does (shared/asterisk-transcripts/README.md) and how it is used here:

- the `AGI` action is answered at once (`Added AGI command to queue`); the reply comes later in `AsyncAGIExec`,
  carrying our `CommandID` as `CommandId` (fact 21) and the reply percent-encoded (fact 23);
- commands queued for a channel run one after the other in order (fact 40); those still queued when the channel
  hangs up are dropped without a word (fact 32), and `AsyncAGIEnd` ends the session: every command still waiting
  for its reply then raises `SessionEnded`;
- an AGI action to a channel that hung up, or never existed, is refused (`Channel … does not exist.`, fact 33);
- if the AMI connection drops while a command runs, the channel stays in AsyncAGI and the reply goes to whichever
  session is logged in then (fact 37): a command whose reply was lost in the gap raises `ReplyLost`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from callflow.runtime.asterisk.ami import ActionFailed, AmiConnection, AmiError, NotConnected
from callflow.runtime.asterisk.protocol import AgiResult, Message
from callflow.runtime.signals import CallEnded, RuntimeFailure

RECONNECT_GRACE_S = 10.0
"""How long a command waits for a dropped AMI connection to come back before the call is given up."""

ALLOWED_APPLICATIONS = frozenset({"Queue", "Dial", "Playback", "VoiceMail"})
"""The only dialplan applications a flow may run through `EXEC`."""

_SAFE_ARGUMENT = re.compile(r"[^\s\"\\]*")


@dataclass(frozen=True)
class CommandTiming:
    """When one command went through the driver (`perf_counter` seconds): asked for, written to the socket, its
    reply cut from the stream by the reader thread, handed back to the caller. The driver's own share is
    `(written - asked) + (returned - read)`; the rest is the AMI round trip and Asterisk's work."""

    command: str
    asked: float
    written: float
    read: float
    returned: float

    @property
    def added_s(self) -> float:
        """The time the driver itself added to this command."""
        return (self.written - self.asked) + (self.returned - self.read)


class SessionEnded(Exception):
    """The channel left AsyncAGI: the caller hung up, or Asterisk ended the session."""


class ReplyLost(Exception):
    """The command ran while the AMI connection was down, and its reply went nowhere."""


class CommandFailed(RuntimeFailure):
    """A command failed and the AsyncAGI session goes on (Asterisk's `beep` missing under RECORD FILE's BEEP): the
    node's error path, never a hang-up."""


class DialplanFallback(CallEnded):
    """A command failed and Asterisk ended the AsyncAGI session (`AGISTATUS=FAILURE`: RECORD FILE into a folder it
    cannot write): the caller is not gone, the dialplan has it and goes on to its fallback."""

    reason = "fallback"


def argument(value: str) -> str:
    """One AGI command argument: refused if it could split into several (spaces, quotes, backslashes)."""
    if not _SAFE_ARGUMENT.fullmatch(value):
        raise ValueError(f"unsafe AGI argument {value!r}")
    return value


class AgiSession:
    """The AGI commands of one channel in AsyncAGI."""

    def __init__(
        self,
        connection: AmiConnection,
        channel: str,
        call_id: str,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        """`sleep` times the commands' deadlines on the call's clock (a test server's model time); None: the event
        loop's clock, the real one."""
        self.connection = connection
        self.channel = channel
        self.call_id = call_id
        self.sleep = sleep
        self.ended = False
        self.commands = 0
        self._pending: dict[str, asyncio.Future[AgiResult]] = {}
        self.timings: list[CommandTiming] | None = None
        """Set to a list to have each command's timing recorded (benchmarks)."""
        self._stamps: dict[str, list[float]] = {}

    # -- events (from the service that routes them by channel) ---------------------------------------------

    def on_exec(self, event: Message) -> None:
        """An `AsyncAGIExec`: the reply of one of our commands."""
        command_id = event.get("CommandId", "")
        if command_id in self._stamps:
            self._stamps[command_id].append(self.connection.read_at)
        future = self._pending.pop(command_id, None)
        if future is not None and not future.done():
            try:
                future.set_result(AgiResult.from_header(event.get("Result", "")))
            except ValueError as error:
                future.set_exception(error)

    def on_end(self) -> None:
        """`AsyncAGIEnd`: the session is over; waiting commands will get no reply."""
        self.ended = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(SessionEnded(self.channel))
        self._pending.clear()

    # -- commands --------------------------------------------------------------------------------------------

    async def run(self, command: str, *, timeout_s: float | None, then: str | None = None) -> AgiResult:
        """Run one command and wait for its reply (`timeout_s`: how long it may take at most, None: no limit);
        `then` is queued right behind it, and Asterisk runs it when the command ends, whatever becomes of us."""
        called = time.perf_counter()
        command_id, future = await self._post(command)
        reconnects = self.connection.reconnects
        try:
            if then is not None:
                await self._post(then)
            if self.sleep is not None and timeout_s is not None:
                reply = await self._within(future, timeout_s)
            else:
                async with asyncio.timeout(timeout_s):  # awaits the reply itself: one hop of the loop, not three
                    reply = await future
            if self.timings is not None:
                self._time(command, command_id, called)
            return reply
        except TimeoutError:
            if self.connection.reconnects != reconnects or not self.connection.connected.is_set():
                raise ReplyLost(command) from None
            raise AmiError(f"no reply to {command.split()[0]} within {timeout_s:g} s") from None
        finally:
            if not future.done():
                future.cancel()
            self._pending = {k: f for k, f in self._pending.items() if f is not future}

    async def _within(self, future: asyncio.Future[AgiResult], timeout_s: float) -> AgiResult:
        """The reply, or TimeoutError once `timeout_s` have passed on the call's clock."""
        assert self.sleep is not None
        alarm = asyncio.ensure_future(self.sleep(timeout_s))
        try:
            await asyncio.wait((future, alarm), return_when=asyncio.FIRST_COMPLETED)
        finally:
            alarm.cancel()
        if not future.done():
            raise TimeoutError
        return future.result()

    async def post(self, command: str) -> asyncio.Future[AgiResult]:
        """Queue a command; its reply arrives in the returned future (commands run in the order posted)."""
        return (await self._post(command))[1]

    async def _post(self, command: str) -> tuple[str, asyncio.Future[AgiResult]]:
        if self.ended:
            raise SessionEnded(self.channel)
        self.commands += 1
        command_id = f"{self.call_id}-{self.commands}"
        future: asyncio.Future[AgiResult] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_consume)
        self._pending[command_id] = future
        action = Message(
            [
                ("Action", "AGI"),
                ("ActionID", self.connection.next_id("agi")),
                ("Channel", self.channel),
                ("Command", command),
                ("CommandID", command_id),
            ]
        )
        if self.timings is not None:
            self._stamps[command_id] = []
        try:
            await self._send(action)
            if self.timings is not None and self.connection.write_times is not None:
                self._stamps[command_id].append(self.connection.write_times.pop(action["ActionID"], 0.0))
        except BaseException:
            self._pending.pop(command_id, None)
            future.cancel()
            raise
        return command_id, future

    def _time(self, command: str, command_id: str, called: float) -> None:
        assert self.timings is not None
        stamps = self._stamps.pop(command_id, [])
        if len(stamps) == 2:
            written, read = stamps
            self.timings.append(CommandTiming(command.split(" ", 1)[0], called, written, read, time.perf_counter()))

    async def _send(self, action: Message) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + RECONNECT_GRACE_S
        while True:
            try:
                await self.connection.send(action)
                return
            except ActionFailed as refused:
                # `Channel X does not exist.` or `Failed to add AGI command to channel X queue`
                self.on_end()
                raise SessionEnded(refused.response.get("Message", self.channel)) from None
            except NotConnected:
                if loop.time() >= give_up:
                    raise
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.connection.connected.wait(), give_up - loop.time())

    async def execute(self, application: str, arguments: str, *, timeout_s: float | None) -> AgiResult:
        """`EXEC` of an application on the allow-list."""
        if application not in ALLOWED_APPLICATIONS:
            raise PermissionError(f"the application {application!r} is not on the EXEC allow-list")
        return await self.run(f"EXEC {application} {argument(arguments)}", timeout_s=timeout_s)

    async def variable(self, name: str) -> str | None:
        """A channel variable (`GET VARIABLE`), None when it is not set."""
        reply = await self.run(f"GET VARIABLE {argument(name)}", timeout_s=RECONNECT_GRACE_S)
        return reply.data if reply.ok and reply.result == "1" else None

    async def alive(self) -> bool:
        """Whether the channel is still up and in AsyncAGI (`CHANNEL STATUS` answers), asked after a command failed:
        a channel that hung up refuses the command or drops it and ends the session (facts 32, 33)."""
        try:
            await self.run("CHANNEL STATUS", timeout_s=RECONNECT_GRACE_S)
        except SessionEnded:
            return False
        return True

    async def expression(self, expression: str) -> str | None:
        """A dialplan expression such as `${QUEUE_WAITING_COUNT(q)}` on the channel (`GET FULL VARIABLE`)."""
        reply = await self.run(f"GET FULL VARIABLE {argument(expression)}", timeout_s=RECONNECT_GRACE_S)
        return reply.data if reply.ok and reply.result == "1" else None


def _consume(future: asyncio.Future[AgiResult]) -> None:
    """Mark an exception as seen (a reply nobody waits for any more must not be reported as lost)."""
    if not future.cancelled():
        future.exception()
