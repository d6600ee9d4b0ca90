"""The trace of a call: one JSON object per event, the same for simulated and live calls.

While a call runs, each event is kept as four items in one flat list (the moment, the event, the node and its
fields, which events of the same kind may share); it becomes the JSON object `{"t", "event", "node", ...fields}`
only when someone reads the trace or a sink wants it as it happens. Kept this way, an event costs a fraction of
the object it becomes, and most calls' traces are read once, if at all.

A trace holds at most `MAX_TRACE_SIZE` characters of the values a flow makes (variables set, prompts filled in,
values looked up or saved): what would pass it is refused with `TraceFull`, which takes the node's error exit, so
one call can never fill the process's memory or its trace file with the values of a runaway loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.types import Clock

MASK = "***"

MAX_TRACE_SIZE = 1_000_000
"""Characters of values one call's trace may hold (about 100 times what a long call of the reference hotline holds)."""

_MASKED_INPUT = ("dtmf", "speech")


def as_event(t: float, event: str, node: str | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A kept event as the JSON object the trace is made of."""
    return {"t": round(t, 3), "event": event, "node": node, **fields}


class TraceFull(RuntimeFailure):
    """A value that would take the call's trace past `MAX_TRACE_SIZE`."""


class Tracer:
    """Records what happens on a call; values of secret variables never appear in it."""

    __slots__ = ("_events", "_kept", "_mask_input", "_plain", "_room", "_secrets", "_sink", "clock", "node")

    def __init__(
        self,
        clock: Clock,
        secrets: set[str] | None = None,
        sink: Callable[[dict[str, Any]], None] | None = None,
        node: str | None = None,
        mask_input: bool = False,
    ) -> None:
        self.clock = clock
        self._secrets = secrets  # made when first needed: most calls have no secret variables
        self.node = node
        """The node running now: events that do not name one belong to it."""
        self._sink = sink
        self._mask_input = mask_input
        self._plain = sink is None and not mask_input
        """Whether an event is only kept: no sink to hand it to, no input to mask (most of the time)."""
        self._kept: list[Any] = []
        """Four items per event: t, event, node, fields."""
        self._events: list[dict[str, Any]] | None = None
        self._room = MAX_TRACE_SIZE
        """Characters of values the trace may still take."""

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event so far, as JSON objects (made from the kept items the first time they are read)."""
        events, kept = self._events, self._kept
        if events is None:
            events = self._events = []
        if len(events) * 4 < len(kept):
            rest = kept[len(events) * 4 :]
            events.extend(map(as_event, rest[0::4], rest[1::4], rest[2::4], rest[3::4]))
        return events

    @property
    def secrets(self) -> set[str]:
        """The names of the call's secret variables."""
        if self._secrets is None:
            self._secrets = set()
        return self._secrets

    @secrets.setter
    def secrets(self, names: set[str]) -> None:
        self._secrets = names

    @property
    def sink(self) -> Callable[[dict[str, Any]], None] | None:
        """Called with each event as it happens (to print a call as it goes)."""
        return self._sink

    @sink.setter
    def sink(self, sink: Callable[[dict[str, Any]], None] | None) -> None:
        self._sink = sink
        self._plain = sink is None and not self._mask_input

    @property
    def mask_input(self) -> bool:
        """While set (a PIN is being entered), the keys and words a caller gives are not recorded."""
        return self._mask_input

    @mask_input.setter
    def mask_input(self, mask: bool) -> None:
        self._mask_input = mask
        self._plain = self._sink is None and not mask

    def charge(self, size: int) -> None:
        """Count `size` characters of values about to be recorded; TraceFull (nothing counted) when they would take
        the trace past its limit."""
        room = self._room - size
        if room < 0:
            raise TraceFull(f"the call's trace is full: it holds at most {MAX_TRACE_SIZE:,} characters of values")
        self._room = room

    def record_values(self, event: str, node: str | None, fields: Mapping[str, Any], size: int) -> None:
        """`record` an event holding `size` characters of the call's values, counted first; TraceFull (nothing
        recorded) when they would take the trace past its limit."""
        room = self._room - size
        if room < 0:
            raise TraceFull(f"the call's trace is full: it holds at most {MAX_TRACE_SIZE:,} characters of values")
        self._room = room
        self.record(event, node, fields)

    def record(self, event: str, node: str | None, fields: Mapping[str, Any]) -> None:
        """Record one event at the current time; `fields` must not change afterwards (it may be shared)."""
        if self._plain:
            self._kept += (self.clock.elapsed(), event, node or self.node, fields)
            return
        if self._mask_input and event == "input":
            fields = {k: (MASK if k in _MASKED_INPUT else v) for k, v in fields.items()}
        self._kept += (self.clock.elapsed(), event, node or self.node, fields)
        if self._sink is not None:
            self._sink(self.events[-1])

    def emit(self, event: str, node: str | None = None, /, **fields: Any) -> dict[str, Any]:
        """Record one event at the current time; the event as a JSON object."""
        self.record(event, node, fields)
        return self.events[-1]


def to_json_line(event: dict[str, Any]) -> str:
    """One event as a line of JSON."""
    return json.dumps(event, ensure_ascii=False)


def describe(event: dict[str, Any]) -> str:
    """One event as a line of a readable transcript."""
    fields = {k: v for k, v in event.items() if k not in ("t", "event", "node")}
    where = f"[{event['node']}] " if event.get("node") else ""
    if event["event"] == "prompt":
        said = fields.get("text") or f"<{fields.get('file')}>"
        return f"{event['t']:8.2f}  {where}» {said}"
    if event["event"] == "input":
        heard = fields.get("dtmf") if "dtmf" in fields else f'"{fields.get("speech")}"'
        lost = f"  (lost: {fields['lost']})" if fields.get("lost") else ""
        return f"{event['t']:8.2f}  {where}« {heard}{lost}"
    details = ", ".join(f"{k}={_shown(v)}" for k, v in fields.items())
    return f"{event['t']:8.2f}  {where}{event['event']}" + (f" ({details})" if details else "")


def _shown(value: Any) -> str:
    """A field's value as the flow language writes it: `null`, `true`, `{"pin": "***"}`, texts as they are."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
