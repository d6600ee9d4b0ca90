"""The trace of a call: one JSON object per event, the same for simulated and live calls."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from callflow.runtime.types import Clock

MASK = "***"


@dataclass
class Tracer:
    """Records what happens on a call; values of secret variables never appear in it."""

    clock: Clock
    secrets: set[str] = field(default_factory=set)
    events: list[dict[str, Any]] = field(default_factory=list)
    sink: Callable[[dict[str, Any]], None] | None = None
    node: str | None = None
    """The node running now: events that do not name one belong to it."""
    mask_input: bool = False
    """While set (a PIN is being entered), the keys and words a caller gives are not recorded."""

    def emit(self, event: str, node: str | None = None, /, **fields: Any) -> dict[str, Any]:
        """Record one event at the current time."""
        if event == "input" and self.mask_input:
            fields = {k: (MASK if k in ("dtmf", "speech") else v) for k, v in fields.items()}
        record = {"t": round(self.clock.elapsed(), 3), "event": event, "node": node or self.node, **fields}
        self.events.append(record)
        if self.sink is not None:
            self.sink(record)
        return record


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
        return f"{event['t']:8.2f}  {where}« {heard}"
    details = ", ".join(f"{k}={v}" for k, v in fields.items())
    return f"{event['t']:8.2f}  {where}{event['event']}" + (f" ({details})" if details else "")
