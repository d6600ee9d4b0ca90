"""The pieces of the AMI test server's channel model: a channel and its headers, the caller's dialplan (`CallScript`),
an AGI command, and the recorded timing constants (model seconds, see `ami_clock`) the model runs on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from callflow.runtime.asterisk.protocol import Message

AGI_VERSION = "GIT-master-f0c1c1a7b7"
STATE_DESC = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up", 7: "Busy"}
ANSWER_S = 0.5  # ANSWER waits this long for the caller's first audio frame (dtmf-menu: 0.501 s with none)
POLL_S = 0.1  # an idle AsyncAGI channel picked up a queued command 0.1 s after it went idle (median, fact 25)
DTMF_FIRST_S = 0.1  # SendDTMF: the first DTMFBegin came 0.1 s after the step started (press1, digits)
DTMF_DURATION_MS = 100  # SendDTMF's default tone length (`DurationMs: 100`)
DTMF_GAP_MS = 250  # SendDTMF's default pause after a tone (press1: the next step began 0.45 s after SendDTMF)
HANGUP = "hangup"  # what a listening command receives when the caller hangs up
AUDIO = "audio"  # what a command listening for it receives when the caller starts to play a sound


def agi_encode(text: str) -> str:
    """Percent-encoding as in `Result` and `Env`: upper-case hex, `%20` for space, `(` and `)` left as they are."""
    return quote(text, safe="()")


@dataclass(frozen=True)
class Step:
    """One priority of a dialplan extension: `app(data)`."""

    app: str
    data: str = ""


_STEP = re.compile(r"(?P<app>\w+)\((?P<data>.*)\)")


@dataclass(frozen=True)
class CallScript:
    """A dialplan extension run by a channel: the caller's `[caller-sim]`/`[caller-live]` script on the `;1` half of
    an Originate, or a queue member's `[queue-agents]` extension. Apps: `Wait`, `SendDTMF`, `Playback`, `Hangup`,
    `Answer`, `Ringing`."""

    steps: tuple[Step, ...]

    @classmethod
    def of(cls, *lines: str) -> CallScript:
        """A script from dialplan applications as written in extensions.conf: `CallScript.of("Wait(2)", "Hangup()")`."""
        steps = []
        for line in lines:
            match = _STEP.fullmatch(line)
            if match is None:
                raise ValueError(f"not a dialplan application: {line!r}")
            steps.append(Step(match["app"], match["data"]))
        return cls(tuple(steps))


def press(digit: str, *, wait_s: float = 2, then_s: float = 5) -> CallScript:
    """A `[caller-sim]` `press1`-style caller: `Wait`, `SendDTMF(digit)`, `Wait`, `Hangup()`."""
    return CallScript.of(f"Wait({wait_s:g})", f"SendDTMF({digit})", f"Wait({then_s:g})", "Hangup()")


@dataclass
class Half:
    """One channel (a half of a Local channel pair), with the headers Asterisk writes for a channel."""

    name: str
    uniqueid: str
    linkedid: str
    context: str
    exten: str
    state: int
    priority: int = 1
    caller: tuple[str, str] = ("<unknown>", "<unknown>")
    connected: tuple[str, str] = ("<unknown>", "<unknown>")
    variables: dict[str, str] = field(default_factory=dict)
    alive: bool = True
    created_s: float = 0.0  # model time
    application: tuple[str, str] = ("", "")  # what CoreShowChannel lists
    bridge: str = ""  # the BridgeUniqueid of the bridge it is in (CoreShowChannel's BridgeId)

    def headers(self, prefix: str = "") -> list[tuple[str, str]]:
        """`Channel` … `Linkedid` in the recorded order; `prefix` gives `DestChannel`, `LocalOneChannel` …"""
        pairs = [
            ("Channel", self.name),
            ("ChannelState", str(self.state)),
            ("ChannelStateDesc", STATE_DESC[self.state]),
            ("CallerIDNum", self.caller[0]),
            ("CallerIDName", self.caller[1]),
            ("ConnectedLineNum", self.connected[0]),
            ("ConnectedLineName", self.connected[1]),
            ("Language", "en"),
            ("AccountCode", ""),
            ("Context", self.context),
            ("Exten", self.exten),
            ("Priority", str(self.priority)),
            ("Uniqueid", self.uniqueid),
            ("Linkedid", self.linkedid),
        ]
        return [(prefix + k, v) for k, v in pairs]

    def event(self, name: str, kind: str, *extra: tuple[str, str]) -> Message:
        """`Event: name` / `Privilege: kind,all`, this channel's headers, then `extra`."""
        return Message([("Event", name), ("Privilege", f"{kind},all"), *self.headers(), *extra])

    def var(self, name: str, value: str) -> Message:
        """Set a channel variable: the `VarSet` event."""
        self.variables[name] = value
        return self.event("VarSet", "dialplan", ("Variable", name), ("Value", value))

    def newexten(self, app: str, data: str) -> Message:
        """The `Newexten` event of the priority this channel is at."""
        self.application = (app, data)
        extra = [("Extension", self.exten), ("Application", app), ("AppData", data)]
        return self.event("Newexten", "dialplan", *extra)


def device_state(device: str, state: str) -> Message:
    """A `DeviceStateChange` event."""
    return Message([("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", device), ("State", state)])


@dataclass
class Command:
    """An AGI command queued by the `AGI` action."""

    text: str
    command_id: str | None
