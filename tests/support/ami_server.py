"""An asyncio AMI server for tests that answers the way the recorded Asterisk did (`shared/asterisk-transcripts/`).

It covers the session layer (banner, `Login` plain and MD5 `Challenge`, what happens before Login, `Events`,
`UserEvent`, `Logoff`, with the security events other sessions receive) and composes the call model: the actions in
`ami_actions` (Originate, AGI, PlayDTMF, Hangup, CoreShowChannels, MailboxCount, Ping, Setvar, Getvar,
CoreSettings), the calls in `ami_call`, the AGI commands in `ami_commands`. Every answer and event is copied from the
recordings; values that differ per run (`EventTV`, `SessionTV`, `SessionID`, ports, `Challenge`, `Uptime`, AGI
`CommandId`, `agi_threadid`, bridge ids, epoch times) are generated in the recorded format. An action the recordings
do not show being answered (a logged-in `Status`, for one; `PlayDTMF` without `Duration`) is not guessed at: it is
listed in `unrecorded` and the connection is closed; an AGI command or call situation that was not recorded is
listed in `unrecorded_commands` and that call stops. A test asserts both are empty.

For end-to-end tests (API, all keyword arguments):

- `AmiServer(time_scale=0.02)`: every modelled duration runs at that fraction of real time (`ami_clock`); the bytes
  and the order of events stay the same.
- `AmiServer(sounds=Path)`: `<name>.wav` files there (or at an absolute path) play for their real length and RECORD
  FILE writes there (`ami_sounds`, `ami_record`).
- `call_scripts={("caller-sim", "mine"): CallScript.of("Wait(1)", "SendDTMF(12)", "Hangup()")}` adds or replaces
  caller scripts; the recorded dialplan (`ami_dialplan.DIALPLAN`, with `caller-live,idle`: originate
  `Local/<dnis>@callflow` with `Context: caller-live`, `Exten: idle`, press keys with `PlayDTMF` on the `;1` channel,
  with `Duration`, and hang up with `Hangup` on `;1` without `Cause`, as recorded) is always there. Any dnis matching
  `_X.` (or `s`) works; AsyncAGIStart's Env then has `agi_extension: <dnis>` and `agi_dnid: unknown`, as recorded.
- `await server.wait_for(lambda event: ..., timeout_s)`: the next event (any class) matching the predicate.
- `server.kill_sessions()`: every client connection is reset (TCP RST), calls go on (fact 37).
- `await server.restart(down_s)`: an Asterisk restart, see `restart`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import ssl as tls
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import slowdown
from ami_actions import Actions
from ami_call import Call
from ami_channels import CallScript
from ami_clock import Clock, QuietExecutor
from ami_dialplan import DIALPLAN
from ami_events import EventBus, Hints, Predicate
from ami_pbx import MemberStats, Pbx
from ami_session import NEVER, READ_CLASSES, Session, event_mask, event_tv, response
from ami_sounds import Sounds

from callflow.runtime.asterisk.protocol import Banner, Message, MessageReader, encode

__all__ = ["AUTH_FAILURE_DELAY_S", "NEVER", "READ_CLASSES", "RESTART_DOWN_S", "AmiServer"]

BANNER = Banner("13.0.0")
AUTH_FAILURE_DELAY_S = 1.0  # the recorded server answered a failed Login 1.0 s after it, then closed
# notes/asterisk-ami.md: a client reconnected ~4.5 s after an Asterisk restart (model seconds, scaled).
RESTART_DOWN_S = 4.5


class AmiServer:
    """A loopback AMI server on a free port; use `async with AmiServer(secret=...) as server:`."""

    def __init__(
        self,
        *,
        username: str = "callflow",
        secret: str = "secret",
        auth_failure_delay_s: float = AUTH_FAILURE_DELAY_S,
        call_scripts: Mapping[tuple[str, str], CallScript] | Mapping[str, CallScript] | None = None,
        first_channel_number: int = 0,
        time_scale: float = 1.0,
        sounds: Path | None = None,
        hints: Hints | None = None,
        calls_taken: Mapping[tuple[str, str], int] | None = None,
        device_states: Mapping[str, str] | None = None,
        ssl: tls.SSLContext | None = None,
        settle_s: float | None = None,
        missing_sounds: frozenset[str] = frozenset(),
        wall_clock: bool = False,
    ):
        """`call_scripts` adds `(context, exten)` scripts to the recorded dialplan (a bare `exten` key: in
        `caller-sim` and `caller-live`); `first_channel_number` is the
        Local channel counter of a fresh Asterisk (0), or of a recording made later; `time_scale` multiplies every
        modelled duration; `sounds` is where `<name>.wav` prompts are found and relative recordings written; `hints`
        (replay tests only) are the races a recording settled (`ami_events.Hints`); `calls_taken` ((queue, member
        interface) -> calls) and `device_states` (cached device -> state) are what a recording made later in the same
        Asterisk process starts from, like `first_channel_number`; `ssl` makes it listen with TLS only (as
        Asterisk's `tlsbindaddr` does), across `restart` too; `settle_s` is how long the process must be quiet before
        model time runs again (`ami_clock`; default: long enough for clients with reader threads, such as
        Callflow's driver; 0 for clients on the test's own event loop, which only need a few of its iterations);
        `missing_sounds` are core sounds this Asterisk lacks (`beep`: record-file-failures.txt); `wall_clock`: model
        time follows the wall clock and never stands still (a server in its own process whose client counts real
        time: the benchmark's peer)."""
        self.username, self.secret = username, secret
        self.auth_failure_delay_s = auth_failure_delay_s
        self.call_scripts = dict(DIALPLAN)
        for key, script in (call_scripts or {}).items():
            for full in [key] if isinstance(key, tuple) else [("caller-sim", key), ("caller-live", key)]:
                self.call_scripts[full] = script
        self.first_channel_number = first_channel_number
        self.time_scale, self.sounds, self.hints = time_scale, sounds, hints
        self.calls_taken, self.device_states = dict(calls_taken or {}), dict(device_states or {})
        self.ssl = ssl
        self.settle_s = settle_s
        self.missing_sounds = missing_sounds
        self.wall_clock = wall_clock
        self.unrecorded: list[Message] = []
        self.unrecorded_commands: list[str] = []
        self.database: dict[tuple[str, str], str] = {}
        self.sessions: list[Session] = []
        self._serving: set[asyncio.Task[None]] = set()
        self._port = 0
        self._server: asyncio.Server | None = None
        self._pbx: Pbx | None = None
        self._actions: Actions | None = None
        self._clock: Clock | None = None

    @property
    def clock(self) -> Clock:
        """The model's clock (while the server runs; it goes on across `restart`)."""
        assert self._clock is not None
        return self._clock

    @property
    def port(self) -> int:
        """The port the server listens on (chosen by the system at start, kept across `restart`)."""
        return self._port

    @property
    def pbx(self) -> Pbx:
        """The modelled Asterisk (while the server runs)."""
        assert self._pbx is not None
        return self._pbx

    @property
    def calls(self) -> list[Call]:
        """The calls originated since the server (re)started."""
        return self._actions.calls if self._actions is not None else []

    async def __aenter__(self) -> AmiServer:
        self._clock = Clock(self.time_scale, settle_s=self.settle_s, in_flight=self._in_flight, wall=self.wall_clock)
        if not self.wall_clock:  # model time stands still while a worker thread of this loop runs (the driver's)
            asyncio.get_running_loop().set_default_executor(QuietExecutor(self._clock))
        self._boot()
        await self._listen()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self._shut_down()
        self.clock.close()

    def _boot(self) -> None:
        """A freshly started Asterisk: model clock, channel counter, calls."""
        bus = EventBus(self.broadcast, self.hints)
        previous = self._pbx
        sounds = Sounds(self.sounds, self.missing_sounds)
        self._pbx = Pbx(self.clock, bus, sounds, self.first_channel_number, booted_s=self.clock.now())
        self._pbx.unrecorded, self._pbx.database = self.unrecorded_commands, self.database
        self._pbx.device_states.update(self.device_states)
        for key, calls in self.calls_taken.items():
            self._pbx.members[key] = MemberStats(calls, int(time.time()))
        if previous is not None:  # voicemail is kept in files
            self._pbx.new_messages = previous.new_messages
        self._actions = Actions(self._pbx, self.call_scripts)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self._port, ssl=self.ssl)
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def _shut_down(self) -> None:
        for call in self.calls:
            call.stop()
        if self._pbx is not None:
            self._pbx.stop()
        if self._server is not None:
            self._server.close()
        for session in list(self.sessions):
            session.writer.close()
        if self._serving:
            await asyncio.wait(self._serving, timeout=1)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def _in_flight(self) -> bool:
        """Whether bytes are under way between the server and a client: not yet sent from our side, written and not
        yet read by the client, or written by it and not yet read by us (the queues Linux shows in /proc/net/tcp for
        the loopback sockets; where they cannot be read, the clock's quiet time alone counts)."""
        if any(session.writer.transport.get_write_buffer_size() for session in self.sessions):
            return True
        pairs = {(session.local_port, session.remote_port) for session in self.sessions}
        if not pairs:
            return False
        try:
            table = Path("/proc/net/tcp").read_text(encoding="ascii")
        except OSError:
            return False
        for row in table.splitlines()[1:]:
            fields = row.split()
            if len(fields) < 5 or fields[4].endswith(":00000000"):  # tx_queue:rx_queue, nothing to read
                continue
            local, remote = int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)
            if (local, remote) in pairs or (remote, local) in pairs:
                return True
        return False

    def broadcast(self, event: Message) -> None:
        """Send an event to every logged-in session whose mask allows its class (the first word of `Privilege`)."""
        kind = event["Privilege"].split(",")[0]
        for session in self.sessions:
            if session.logged_in and kind in session.mask:
                session.send(event)

    def _session_event(self, event: Message) -> None:
        """A session-layer event (security, UserEvent): sent at once, not through the call model's event bus."""
        self.broadcast(event)
        if self._pbx is not None:
            self._pbx.bus.notify(event)

    async def wait_for(self, predicate: Predicate, timeout_s: float = 5.0) -> Message:
        """The next event (of any class, whoever may receive it) for which `predicate` is true; TimeoutError after
        `timeout_s` wall-clock seconds (stretched by the measured slowdown). Call it before doing what causes the
        event."""
        return await self.pbx.bus.wait_for(predicate, slowdown.seconds(timeout_s))

    def kill_sessions(self) -> None:
        """Reset every client connection (TCP RST, no Logoff), as a network failure would. Calls go on, parked in
        AsyncAGI, and their events go to whoever logs in next (facts 37, 38)."""
        for session in list(self.sessions):
            session.reset()

    async def restart(self, down_s: float = RESTART_DOWN_S) -> None:
        """An Asterisk restart: every connection closed and every call gone at once, nothing listening for `down_s`
        model seconds, then a fresh Asterisk on the same port (Uptime from 0, Local channels from
        `first_channel_number` again; AstDB and voicemail kept, being files). What a restart sends on the wire before
        the connections close (a Shutdown event, hangups) was not recorded, so nothing is sent: the connections
        simply close."""
        await self._shut_down()
        await self.pbx.clock.sleep(down_s)
        self._boot()
        await self._listen()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(writer, writer.get_extra_info("sockname")[1], writer.get_extra_info("peername")[1])
        session.written = self.clock.touch
        self.sessions.append(session)
        task = asyncio.current_task()
        assert task is not None
        self._serving.add(task)
        writer.write(encode(BANNER))
        messages = MessageReader(expect_banner=False)
        try:
            while not writer.is_closing() and (data := await reader.read(65536)):
                self.clock.touch()
                for request in messages.feed(data):
                    assert isinstance(request, Message)
                    if not await self._answer(session, request):
                        await writer.drain()
                        writer.close()
                        break
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            self.clock.touch()
            self.sessions.remove(session)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            self._serving.discard(task)

    async def _answer(self, session: Session, request: Message) -> bool:
        """Answer one request as the recorded Asterisk did; false when the connection is to close."""
        action = request.get("Action")
        if action is None:
            session.send(response(request, "Error", ("Message", "Missing action in request")))
            self._session_event(_bad_format(session))
            return True
        name = action.lower()
        if name == "logoff":
            session.send(response(request, "Goodbye", ("Message", "Thanks for all the fish.")))
            return False
        if name == "challenge" and request.get("AuthType", "").lower() == "md5":
            session.challenge = f"{secrets.randbelow(900_000_000) + 100_000_000}"
            session.send(response(request, "Success", ("Challenge", session.challenge)))
            return True
        if name == "login":
            return await self._login(session, request)
        if not session.logged_in:
            self._session_event(
                session.security("RequestNotAllowed", "Error", "1", "", ("RequestType", f"Action: {action}"))
            )
            session.send(response(request, "Error", ("Message", "Permission denied")))
            return True
        if name == "events" and event_mask(request.get("EventMask")):
            session.mask = event_mask(request.get("EventMask"))
            session.send(response(request, "Success", ("Events", "On")))
            return True
        if name == "userevent":
            session.send(response(request, "Success", ("Message", "Event Sent")))
            extra = [(k, v) for k, v in request if k.lower() not in ("action", "actionid", "userevent")]
            head = [("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", request.get("UserEvent", ""))]
            action_id = request.get("ActionID")
            self._session_event(Message([*head, *([("ActionID", action_id)] if action_id is not None else []), *extra]))
            return True
        assert self._actions is not None
        handler = self._actions.handlers.get(name)
        if handler is not None and await handler(session, request):
            return True
        self.unrecorded.append(request)
        return False

    async def _login(self, session: Session, request: Message) -> bool:
        failure: Message | None = None
        if request.get("Username") != self.username:
            failure = session.security("InvalidAccountID", "Error", "1", request.get("Username", ""))
        elif request.get("AuthType", "").lower() == "md5":
            expected = hashlib.md5(f"{session.challenge}{self.secret}".encode()).hexdigest()
            if session.challenge is None or request.get("Key") != expected:
                extra = [("Challenge", session.challenge or ""), ("Response", request.get("Key", ""))]
                failure = session.security("ChallengeResponseFailed", "Error", "1", "", *extra)
                failure = Message([*failure.headers[:-1], ("ExpectedResponse", expected), failure.headers[-1]])
        elif request.get("Secret") != self.secret:
            failure = session.security("InvalidPassword", "Error", "2", self.username)
        if failure is not None:
            self._session_event(failure)
            await asyncio.sleep(self.auth_failure_delay_s)
            session.send(response(request, "Error", ("Message", "Authentication failed")))
            return False
        session.logged_in, session.mask, session.session_tv = True, event_mask(request.get("Events")), event_tv()
        session.send(response(request, "Success", ("Message", "Authentication accepted")))
        uptime = str(int(self.clock.now() - self.pbx.booted_s))
        booted = [("Uptime", uptime), ("LastReload", uptime), ("Status", "Fully Booted")]
        if "system" in session.mask:
            session.send(Message([("Event", "FullyBooted"), ("Privilege", "system,all"), *booted]))
        success = session.security("SuccessfulAuth", "Informational", "1", self.username, ("UsingPassword", "0"))
        self._session_event(success)
        return True


def _bad_format(session: Session) -> Message:
    # Recorded with AccountID last, after SessionTV, and without a value.
    event = session.security("RequestBadFormat", "Error", "1", "", ("RequestType", "Action: NONE"))
    headers = [h for h in event.headers if h[0] != "AccountID"]
    return Message([*headers, ("AccountID", "")])
