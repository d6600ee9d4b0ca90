"""The caller's script: steps such as `dtmf:1`, `say:agent`, `wait:3`, `hangup`, `agent:20`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callflow.flowlang.errors import FlowError

CALLER_STEPS = ("dtmf", "say", "audio", "wait", "hangup")
FAR_SIDE_STEPS = ("agent", "agent-hangup")


class ScriptError(FlowError):
    """A step the simulator does not understand."""


@dataclass(frozen=True)
class Step:
    """One step: keys pressed, words said, an audio file said, silence, hang-up, or the far side's doing."""

    kind: str
    text: str = ""
    seconds: float = 0.0

    def __str__(self) -> str:
        if self.kind in ("dtmf", "say"):
            return f"{self.kind}:{self.text}"
        if self.kind == "audio":
            return f"say:@{self.text}"
        return self.kind if self.kind == "hangup" else f"{self.kind}:{self.seconds:g}"


def parse_step(text: str) -> Step:
    """One step from its text. Raises ScriptError with what was expected."""
    kind, _, value = text.partition(":")
    kind = kind.strip().lower()
    if kind == "dtmf":
        if not re.fullmatch(r"[0-9*#]+", value):
            raise ScriptError(f"`{text}`: dtmf takes keys 0-9, * and #, such as dtmf:1 or dtmf:20261001#")
        return Step("dtmf", value)
    if kind == "say":
        if not value:
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
    expected = "dtmf:KEYS, say:TEXT, say:@FILE.wav, wait:SECONDS, hangup, agent:SECONDS, agent-hangup:SECONDS"
    raise ScriptError(f"`{text}` is not a step; expected one of {expected}")


def parse_script(steps: list[str] | tuple[str, ...]) -> list[Step]:
    """A whole script."""
    return [parse_step(step) for step in steps]
