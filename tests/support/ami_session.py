"""One AMI client connection of the test server, and the shapes of what it is sent (recorded README facts 2-9)."""

from __future__ import annotations

import asyncio
import secrets
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from callflow.runtime.asterisk.protocol import Message, encode

# The recorded AMI user's read classes (README, "What was recorded").
READ_CLASSES_TEXT = (
    "system,call,log,verbose,agent,user,config,dtmf,reporting,cdr,dialplan,originate,agi,cc,aoc,test,security,message"
)
READ_CLASSES = frozenset(READ_CLASSES_TEXT.split(","))
NEVER = "1970-01-01T00:00:00.000+0000"  # SessionTV of a session that has not logged in


def event_tv() -> str:
    """Now, as Asterisk writes `EventTV` and `SessionTV`."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


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
    written: Callable[[], None] = lambda: None
    """Called after every write (the model's clock stands still while AMI traffic is in flight)."""

    def send(self, message: Message) -> None:
        """Queue a message for this client unless its connection is closing."""
        if not self.writer.is_closing():
            self.writer.write(encode(message))
            self.written()

    def reset(self) -> None:
        """Drop the connection with a TCP RST, as a network failure or a killed process does."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()

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
