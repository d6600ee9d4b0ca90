"""The pieces of the AMI test server's channel model: a channel half and its headers, the scripted caller, and the
recorded constants (prompt lengths, delays, event orders) the model (`ami_call.Call`) runs on.

"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from callflow.runtime.asterisk.protocol import Message

AGI_VERSION = "GIT-master-f0c1c1a7b7"
STATE_DESC = {0: "Down", 4: "Ring", 6: "Up"}
SAMPLE_RATE_HZ = 8000
FRAME_SAMPLES = 160  # a cut prompt's endpos was a whole number of 20 ms frames (20000, 12960)
# `endpos` of prompts played to the end, as recorded (README fact 27).
PROMPT_SAMPLES = {"hello-world": 11234, "beep": 3404, "vm-goodbye": 6920, "tt-monkeys": 129440}
# Prompt lengths (README, "Prompts"); a prompt with no recorded full `endpos` may only be cut short.
PROMPT_S = {name: samples / 8000 for name, samples in PROMPT_SAMPLES.items()} | {"demo-congrats": 30.3}
HANGUP = "hangup"  # what a listening command receives when the caller hangs up
# The order of the events around ANSWER varied between recorded calls.
ANSWER_ORDER_DTMF_MENU = (
    "Newstate;2", "DeviceStateChange", "OriginateResponse", "Newstate;1", "DialEnd", "Newexten", "DeviceStateChange",
)  # fmt: skip
ANSWER_ORDER_CALLER_HANGUP = (
    "OriginateResponse", "Newstate;2", "DeviceStateChange", "Newstate;1", "DeviceStateChange", "DialEnd", "Newexten",
)  # fmt: skip
ANSWER_ORDER_PIPELINED = (
    "Newstate;2", "Newstate;1", "DialEnd", "DeviceStateChange", "OriginateResponse", "DeviceStateChange", "Newexten",
)  # fmt: skip
ANSWER_S = 0.5  # AGIExecStart to AGIExecEnd of ANSWER with a caller sending no audio (dtmf-menu: 0.501 s)
POLL_S = 0.1  # an idle AsyncAGI channel picked up a queued command 0.1 s after it went idle (median, fact 25)
DTMF_S = 0.1  # SendDTMF: DTMFBegin 0.1 s after the step starts, DTMFEnd 0.1 s later (`DurationMs: 100`)
SEND_DTMF_S = 0.45  # SendDTMF of one digit: from its Newexten to the next step's (dtmf-menu: 0.451 s)


def agi_encode(text: str) -> str:
    """Percent-encoding as in `Result` and `Env`: upper-case hex, `%20` for space, `(` and `)` left as they are."""
    return quote(text, safe="()")


@dataclass
class Step:
    """One priority of the caller's dialplan: `app(data)`, taking `duration_s` before the next step starts."""

    app: str
    data: str = ""
    duration_s: float = 0.0


@dataclass
class CallScript:
    """The scripted caller: its dialplan steps, and the pickup delay of each AGI command (index = command number).

    Real Asterisk picks a queued command up at its next 100 ms poll, or sooner when a frame arrives; the model has no
    frames, so a test states the recorded delays where they were shorter than `POLL_S`.
    """

    steps: list[Step]
    pickup_s: tuple[float, ...] = ()
    answer_order: tuple[str, ...] = ANSWER_ORDER_DTMF_MENU

    def pickup(self, index: int) -> float:
        """How long after the channel went idle command number `index` is picked up."""
        return self.pickup_s[index] if index < len(self.pickup_s) else POLL_S


def press(digit: str, *, wait_s: float = 2, then_s: float = 5) -> CallScript:
    """`[caller-sim]` `press1`-style: `Wait`, `SendDTMF(digit)`, `Wait`, `Hangup()`."""
    return CallScript(
        [
            Step("Wait", f"{wait_s:g}", wait_s),
            Step("SendDTMF", digit, SEND_DTMF_S),
            Step("Wait", f"{then_s:g}", then_s),
            Step("Hangup"),
        ]
    )


@dataclass
class Half:
    """One half of a Local channel pair, with the headers Asterisk writes for a channel."""

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


@dataclass
class Command:
    """An AGI command queued by the `AGI` action."""

    text: str
    command_id: str | None
