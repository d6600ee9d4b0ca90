"""The caller's script: steps such as `dtmf:1`, `say:agent`, `wait:3`, `hangup`, `agent:20`, or timed steps such
as `dtmf:#@12.5` (at 12.5 s after the call was answered).

Untimed caller steps are used when the flow next listens. Timed steps happen at their moment, whatever the flow is
doing then: a key nobody listens for is lost, as on a live line. A script's caller steps are all timed or all
untimed; far-side steps (`agent:S`, `agent-hangup:S`) are never timed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from callflow.flowlang.errors import FlowError
from callflow.runtime.simulator.line import DIGIT_INTERVAL_S

CALLER_STEPS = ("dtmf", "say", "audio", "wait", "hangup")
FAR_SIDE_STEPS = ("agent", "agent-hangup")
TIMED_STEPS = ("dtmf", "say", "audio", "hangup")

_AT = re.compile(r"@(\d+(?:\.\d+)?)s?$")


class ScriptError(FlowError):
    """A step the simulator does not understand."""


@dataclass(frozen=True)
class Step:
    """One step: keys pressed, words said, an audio file said, silence, hang-up, or the far side's doing; `at` is
    when a timed step happens (seconds after the call was answered)."""

    kind: str
    text: str = ""
    seconds: float = 0.0
    at: float | None = None

    def __str__(self) -> str:
        when = "" if self.at is None else f"@{self.at:g}"
        if self.kind in ("dtmf", "say"):
            return f"{self.kind}:{self.text}{when}"
        if self.kind == "audio":
            return f"say:@{self.text}{when}"
        return f"hangup{when}" if self.kind == "hangup" else f"{self.kind}:{self.seconds:g}"

    @property
    def last_at(self) -> float | None:
        """When a timed step's last key is pressed (its moment, for a step that is not keys)."""
        if self.at is None:
            return None
        return self.at + DIGIT_INTERVAL_S * (len(self.text) - 1) if self.kind == "dtmf" else self.at


def parse_step(text: str) -> Step:
    """One step from its text. Raises ScriptError with what was expected."""
    at: float | None = None
    timed = _AT.search(text)
    if timed is not None:
        at = float(timed.group(1))
        text = text[: timed.start()]
    step = _untimed(text)
    if at is None:
        return step
    if step.kind not in TIMED_STEPS:
        raise ScriptError(f"`{text}@{timed.group(1) if timed else ''}`: only keys, words and hang-up take a time")
    return Step(step.kind, step.text, step.seconds, at)


def _untimed(text: str) -> Step:
    kind, _, value = text.partition(":")
    kind = kind.strip().lower()
    if kind == "dtmf":
        if not re.fullmatch(r"[0-9*#]+", value):
            raise ScriptError(f"`{text}`: dtmf takes keys 0-9, * and #, such as dtmf:1 or dtmf:20261001#")
        return Step("dtmf", value)
    if kind == "say":
        if not value or value == "@":
            raise ScriptError(f"`{text}`: say takes what the caller says, such as say:agent or say:@answer.wav")
        return Step("audio", value[1:]) if value.startswith("@") else Step("say", value)
    if kind == "hangup" and not value:
        return Step("hangup")
    if kind in ("wait", *FAR_SIDE_STEPS):
        try:
            seconds = float(value.removesuffix("s"))
        except ValueError:
            raise ScriptError(f"`{text}`: {kind} takes seconds, such as {kind}:5") from None
        if seconds < 0:
            raise ScriptError(f"`{text}`: seconds cannot be negative")
        return Step(kind, seconds=seconds)
    expected = (
        "dtmf:KEYS, say:TEXT, say:@FILE.wav, wait:SECONDS, hangup, agent:SECONDS, agent-hangup:SECONDS "
        "(keys, words and hangup may end in @SECONDS)"
    )
    raise ScriptError(f"`{text}` is not a step; expected one of {expected}")


def parse_script(steps: list[str] | tuple[str, ...]) -> list[Step]:
    """A whole script, checked: caller steps all timed or all untimed, timed ones in time order."""
    return check_script([parse_step(step) for step in steps])


def check_script(steps: list[Step]) -> list[Step]:
    """The steps, if they make one caller's script; ScriptError says what does not."""
    caller = [s for s in steps if s.kind not in FAR_SIDE_STEPS]
    timed = [s for s in caller if s.at is not None]
    if not timed:
        return steps
    if len(timed) != len(caller):
        untimed = next(s for s in caller if s.at is None)
        raise ScriptError(
            f"`{untimed}` has no time but `{timed[0]}` has: give every key, word and hang-up a time "
            "(@SECONDS after the answer), or none (each is then used when the flow next listens)"
        )
    for before, after in pairwise(timed):
        assert before.last_at is not None and after.at is not None
        if after.at < before.last_at:
            what = "its keys are pressed until" if before.kind == "dtmf" and len(before.text) > 1 else "it is at"
            raise ScriptError(
                f"`{after}` comes before `{before}` ({what} {before.last_at:g} s): keep steps in time order"
            )
        if before.kind == "hangup":
            raise ScriptError(f"`{after}` comes after `{before}`: nothing happens after the caller hangs up")
    return steps


def is_timed(steps: list[Step]) -> bool:
    """Whether the caller's steps are timed."""
    return any(s.at is not None for s in steps)
