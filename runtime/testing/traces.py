"""Reading a recorded trace (JSON lines, as `callflow simulate --json` and `callflow run --traces` write them) that
anyone may have written: every line is read safely (`flowlang/jsontext.py`) and every event checked for the fields
a replay uses, so that a bad trace is a `ReplayError` naming its line, never a traceback."""

from __future__ import annotations

from typing import Any

from callflow.flowlang.errors import FlowError
from callflow.flowlang.jsontext import JsonTextError, load_json
from callflow.flowlang.validation import validator_for
from callflow.runtime.trace import MASK

MAX_DEPTH = 16
"""How deeply an event's fields may nest (a lookup's parameters are the deepest, at 2)."""

_TEXT = {"type": ["string", "null"]}
_SECONDS = {"type": "number", "minimum": 0}
EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["t", "event"],
    "properties": {
        "t": _SECONDS,
        "event": {"type": "string", "minLength": 1},
        "node": _TEXT,
        "dtmf": {"type": "string", "pattern": f"^([0-9*#]+|{MASK.replace('*', '[*]')})$"},
        "speech": _TEXT,
        "file": _TEXT,
        "text": _TEXT,
        "position": {"type": "integer", "minimum": 0},
        "answered_after": _SECONDS,
        "seconds": {"type": ["number", "null"], "minimum": 0},
        **dict.fromkeys(("by", "reason", "ended_by", "action", "outcome", "queue", "mailbox", "destination"), _TEXT),
        "kept": {"type": ["boolean", "null"]},
        "caller": {"type": ["string", "integer", "null"]},
        "called": {"type": ["string", "integer", "null"]},
    },
    "if": {"properties": {"event": {"const": "agent"}}},
    "then": {"required": ["answered_after"]},
}
"""The fields of an event that a replay reads, with their types; an event may have others."""


class ReplayError(FlowError):
    """A trace that cannot be read or replayed."""


def read_trace(text: str, name: str = "trace") -> list[dict[str, Any]]:
    """The events of a trace: one JSON object per line, the first a `start` event, in time order."""
    validator = validator_for(EVENT_SCHEMA)
    events: list[dict[str, Any]] = []
    # Lines end at line feeds only: a text may hold U+2028 as it is, which `splitlines` would cut a line at.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            event = load_json(line, MAX_DEPTH)
        except JsonTextError as error:
            hint = "record calls with `callflow simulate --json`"
            reason = error.message.removeprefix("not valid JSON: ")
            raise ReplayError(f"{name}:{number}: not a JSON event ({reason}); {hint}") from None
        if not isinstance(event, dict) or "event" not in event or "t" not in event:
            raise ReplayError(f"{name}:{number}: an event is a JSON object with `t` and `event`")
        problem = next(iter(validator.iter_errors(event)), None)
        if problem is not None:
            field = "/".join(str(part) for part in problem.absolute_path) or "the event"
            message = problem.message if len(problem.message) <= 200 else problem.message[:200] + "…"
            raise ReplayError(f"{name}:{number}: `{field}`: {message}")
        if events and event["t"] < events[-1]["t"]:
            raise ReplayError(f"{name}:{number}: this event comes before the one above it (t = {event['t']})")
        events.append(event)
    if not events or events[0]["event"] != "start":
        raise ReplayError(f"{name}: a trace starts with a `start` event")
    return events
