"""An asyncio AMI server for tests that answers the way the recorded Asterisk did (`shared/asterisk-transcripts/`).

It covers the session layer (banner, `Login` plain and MD5 `Challenge`, what happens before Login, `Events`,
`UserEvent`, `Logoff`, with the security events other sessions receive) and the AsyncAGI call path: `Originate` of a
Local channel (`Async: true`) and the `AGI` action, the call itself being modelled in `ami_call.Call`.
Every answer and event is copied from the recordings; values that differ per run (`EventTV`, `SessionTV`,
`SessionID`, ports, `Challenge`, `Uptime`, AGI `CommandId`, `agi_threadid`) are generated in the recorded format.
An action the recordings do not show being answered (a logged-in `Ping`, for one) is not guessed at: it is listed
in `unrecorded` and the connection is closed, so a test that relies on it fails loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

from ami_call import Call
from ami_channels import CallScript, Command

from callflow.runtime.asterisk.protocol import Banner, Message, MessageReader, encode

BANNER = Banner("13.0.0")
# The recorded AMI user's read classes (README, "What was recorded").
READ_CLASSES_TEXT = (
    "system,call,log,verbose,agent,user,config,dtmf,reporting,cdr,dialplan,originate,agi,cc,aoc,test,security,message"
)
READ_CLASSES = frozenset(READ_CLASSES_TEXT.split(","))
NEVER = "1970-01-01T00:00:00.000+0000"  # SessionTV of a session that has not logged in
AUTH_FAILURE_DELAY_S = 1.0  # the recorded server answered a failed Login 1.0 s after it, then closed


def event_tv() -> str:
    """Now, as Asterisk writes `EventTV` and `SessionTV`."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


@dataclass(eq=False)
class Session:
    """One client connection."""

    writer: asyncio.StreamWriter
    local_port: int
    remote_port: int
    session_id: str = field(default_factory=lambda: f"0x7f{secrets.randbits(40):010x}")
    logged_in: bool = False
    mask: frozenset[str] = frozenset()
    session_tv: str = NEVER
    challenge: str | None = None

    def send(self, message: Message) -> None:
        """Queue a message for this client unless its connection is closing."""
        if not self.writer.is_closing():
            self.writer.write(encode(message))

    def security(self, name: str, severity: str, version: str, account: str, *extra: tuple[str, str]) -> Message:
        """A security-class event about this session, headers in the recorded order."""
        return Message(
            [
                ("Event", name),
                ("Privilege", "security,all"),
                ("EventTV", event_tv()),
                ("Severity", severity),
                ("Service", "AMI"),
                ("EventVersion", version),
                ("AccountID", account),
                ("SessionID", self.session_id),
                ("LocalAddress", f"IPV4/TCP/127.0.0.1/{self.local_port}"),
                ("RemoteAddress", f"IPV4/TCP/127.0.0.1/{self.remote_port}"),
                *extra,
                ("SessionTV", self.session_tv),
            ]
        )


def response(request: Message, status: str, *headers: tuple[str, str]) -> Message:
    """`Response: <status>`, the request's `ActionID` when it had one, then `headers`."""
    action_id = request.get("ActionID")
    return Message([("Response", status), *([("ActionID", action_id)] if action_id is not None else []), *headers])


def event_mask(value: str | None) -> frozenset[str]:
    """The classes a Login `Events` or an `Events` `EventMask` value lets through (absent means `on`)."""
    if value is None or value.strip().lower() == "on":
        return READ_CLASSES
    if value.strip().lower() == "off":
        return frozenset()
    return frozenset(part.strip().lower() for part in value.split(",")) & READ_CLASSES


class AmiServer:
    """A loopback AMI server on a free port; use `async with AmiServer(secret=...) as server:`."""

    def __init__(
        self,
        *,
        username: str = "callflow",
        secret: str = "secret",
        auth_failure_delay_s: float = AUTH_FAILURE_DELAY_S,
        call_scripts: dict[str, CallScript] | None = None,
        first_channel_number: int = 0,
    ):
        """`call_scripts` maps an Originate's `Exten` (the `[caller-sim]` extension) to the caller it plays;
        `first_channel_number` is the Local channel counter of a fresh Asterisk (0), or of a recording made later."""
        self.first_channel_number = first_channel_number
        self.username = username
        self.call_scripts = call_scripts or {}
        self.calls: list[Call] = []
        self.unrecorded_commands: list[str] = []
        self.database: dict[tuple[str, str], str] = {}
        self.secret = secret
        self.auth_failure_delay_s = auth_failure_delay_s
        self.unrecorded: list[Message] = []
        self.sessions: list[Session] = []
        self._server: asyncio.Server | None = None
        self._started = time.monotonic()

    @property
    def port(self) -> int:
        """The port the server listens on (chosen by the system)."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def __aenter__(self) -> AmiServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._server is not None
        for call in self.calls:
            call.stop()
        self._server.close()
        for session in self.sessions:
            session.writer.close()
        await self._server.wait_closed()

    def broadcast(self, event: Message) -> None:
        """Send an event to every logged-in session whose mask allows its class (the first word of `Privilege`)."""
        kind = event["Privilege"].split(",")[0]
        for session in self.sessions:
            if session.logged_in and kind in session.mask:
                session.send(event)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(writer, writer.get_extra_info("sockname")[1], writer.get_extra_info("peername")[1])
        self.sessions.append(session)
        writer.write(encode(BANNER))
        messages = MessageReader(expect_banner=False)
        try:
            while not writer.is_closing() and (data := await reader.read(65536)):
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
            self.sessions.remove(session)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _answer(self, session: Session, request: Message) -> bool:
        """Answer one request as the recorded Asterisk did; false when the connection is to close."""
        action = request.get("Action")
        if action is None:
            session.send(response(request, "Error", ("Message", "Missing action in request")))
            self.broadcast(_bad_format(session))
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
            self.broadcast(
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
            self.broadcast(Message([*head, *([("ActionID", action_id)] if action_id is not None else []), *extra]))
            return True
        if name == "originate" and request.get("Async", "").lower() == "true":
            return self._originate(session, request)
        if name == "agi":
            return self._agi(session, request)
        self.unrecorded.append(request)
        return False

    def _originate(self, session: Session, request: Message) -> bool:
        script = self.call_scripts.get(request.get("Exten", ""))
        if "Channel" not in request:
            session.send(response(request, "Error", ("Message", "Channel not specified")))
            return True
        if script is None or not request["Channel"].startswith("Local/") or "@" not in request["Channel"]:
            self.unrecorded.append(request)
            return False
        session.send(response(request, "Success", ("Message", "Originate successfully queued")))
        number = self.first_channel_number + len(self.calls)
        call = Call(self.broadcast, number, request, script, self.unrecorded_commands, self.database)
        self.calls.append(call)
        call.start()
        return True

    def _agi(self, session: Session, request: Message) -> bool:
        channel, command = request.get("Channel"), request.get("Command")
        if channel is None or command is None:
            session.send(response(request, "Error", ("Message", "Both, Channel and Command are *required*")))
            return True
        halves = {half.name: (call, half) for call in self.calls for half in (call.one, call.two) if half.alive}
        if channel not in halves:
            session.send(response(request, "Error", ("Message", f"Channel {channel} does not exist.")))
            return True
        call, half = halves[channel]
        if half is not call.two or not call.in_agi:
            session.send(
                response(request, "Error", ("Message", f"Failed to add AGI command to channel {channel} queue"))
            )
            return True
        call.enqueue(Command(command, request.get("CommandID")))
        session.send(response(request, "Success", ("Message", "Added AGI command to queue")))
        return True

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
            self.broadcast(failure)
            await asyncio.sleep(self.auth_failure_delay_s)
            session.send(response(request, "Error", ("Message", "Authentication failed")))
            return False
        session.logged_in, session.mask, session.session_tv = True, event_mask(request.get("Events")), event_tv()
        session.send(response(request, "Success", ("Message", "Authentication accepted")))
        uptime = str(int(time.monotonic() - self._started))
        booted = [("Uptime", uptime), ("LastReload", uptime), ("Status", "Fully Booted")]
        if "system" in session.mask:
            session.send(Message([("Event", "FullyBooted"), ("Privilege", "system,all"), *booted]))
        self.broadcast(session.security("SuccessfulAuth", "Informational", "1", self.username, ("UsingPassword", "0")))
        return True


def _bad_format(session: Session) -> Message:
    # Recorded with AccountID last, after SessionTV, and without a value.
    event = session.security("RequestBadFormat", "Error", "1", "", ("RequestType", "Action: NONE"))
    headers = [h for h in event.headers if h[0] != "AccountID"]
    return Message([*headers, ("AccountID", "")])
