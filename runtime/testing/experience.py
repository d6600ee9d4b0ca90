"""The call as the caller lived it: prompts heard (or skipped for keys typed ahead), keys pressed (and lost), words
said, queues, agents, transfers, messages and the end, line by line, without internal events or times; what
`callflow replay` compares before and after."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from callflow.runtime.simulator.line import LOST_WHILE

Event = Mapping[str, Any]

EPSILON_S = 0.0015
"""Trace times are rounded to the millisecond."""


def skipped(events: Sequence[Event], index: int) -> bool:
    """Whether a prompt was cut short before it began, by keys typed ahead: nothing played, no time passed."""
    after = index + 1
    return after < len(events) and abs(events[after]["t"] - events[index]["t"]) <= EPSILON_S


def _input(e: Event) -> str:
    if "dtmf" in e:
        did = f"presses {e['dtmf']}"
    elif e.get("file"):
        did = f"says @{e['file']}" + ("" if e.get("lost") else f" (heard {e.get('speech')!r})")
    else:
        did = f"says {e.get('speech')!r}"
    lost = e.get("lost")
    return f"{did}, lost {LOST_WHILE.get(str(lost), str(lost))}" if lost else did


def _queue(e: Event) -> str | None:
    if e.get("action") == "join":
        return f"waits in queue {e.get('queue')}"
    return f"leaves queue {e.get('queue')}: {e.get('outcome')}" if e.get("action") == "leave" else None


def _end(e: Event) -> str:
    reason = e.get("reason")
    if reason == "hangup":
        return f"call ends: {e.get('by')} hangs up"
    return f"call ends: transferred to {e.get('destination')}" if reason == "transferred" else f"call ends: {reason}"


_SHOWN: dict[str, Callable[[Event], str | None]] = {
    "input": _input,
    "queue": _queue,
    "agent": lambda e: "an agent answers",
    "hangup": lambda e: "the agent hangs up" if e.get("by") == "agent" else None,
    "transfer": lambda e: f"is put through to {e.get('destination')}",
    "transfer_failed": lambda e: f"{e.get('destination')} does not answer ({e.get('outcome')})",
    "voicemail": lambda e: (
        f"leaves a message for {e.get('mailbox')}" + ("" if e.get("kept") else " (too short, not kept)")
    ),
    "record": lambda e: "is recorded" + ("" if e.get("kept") else " (too short, not kept)"),
    "end": _end,
}


def experience(events: Sequence[Event]) -> list[str]:
    """What the caller lives through, line by line: prompts heard, inputs, queues, transfers, messages, the end."""
    lines = []
    for index, event in enumerate(events):
        if event["event"] == "prompt":
            said = event.get("text") or f"<{event.get('file')}>"
            lines.append(f"skips {said} (keys typed ahead)" if skipped(events, index) else f"hears {said}")
        elif event["event"] in _SHOWN and (line := _SHOWN[event["event"]](event)) is not None:
            lines.append(line)
    return lines
