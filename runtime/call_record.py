"""A call's record, made from its trace: who called, how it ended, and the rows reports count.

The same function makes the record of a simulated call and of a live one (both have the same trace), so a call
over the AMI test server and its simulation leave the same rows. How a call ended (`outcome`), the first that
applies:

- `fallback`: the engine's fallback ran (a flow error, an exit leading nowhere, a runaway flow);
- `transferred`: handed to a destination outside Callflow (`transfer_to` says where);
- `agent`: an agent answered it in a queue;
- `voicemail`: the caller left a message that was kept;
- `abandoned`: the caller hung up waiting in a queue, or in the IVR before making any choice (no menu, collect or
  ask node took an exit other than `failed`);
- `self_served`: the call ended in the IVR otherwise: the flow hung up, or the caller did after making a choice;
- `unfinished`: the call had not ended when its record was last written (the process stopped mid-call).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from callflow.flowlang.model import Flow

OUTCOMES = ("self_served", "agent", "voicemail", "transferred", "abandoned", "fallback", "unfinished")

_SUBFLOW_SEPARATOR = "/"


@dataclass(frozen=True)
class CallOrigin:
    """Where a call's record belongs: its tenant, its flow and version (0: a draft or a file), live or simulated."""

    tenant: str
    flow: str
    version: int = 0
    origin: str = "simulated"


def utc_text(moment: datetime) -> str:
    """A moment as records keep it: ISO 8601 in UTC, to the millisecond."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def area_of(number: str) -> str:
    """The caller's area: a Chinese area code (`0571`, `010`), `mobile`, or `other` (a plain heuristic)."""
    digits = re.sub(r"[^0-9+]", "", number)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            digits = rest if len(rest) == 11 and rest.startswith("1") else "0" + rest
    if len(digits) == 11 and digits.startswith("1"):
        return "mobile"
    if digits.startswith(("01", "02")) and len(digits) >= 10:
        return digits[:3]
    if digits.startswith("0") and len(digits) >= 11:
        return digits[:4]
    return "other"


def node_key(flow: str, top: str, node: str) -> str:
    """A node as records name it: its id in the call's own flow, `subflow/id` in a flow it called."""
    return node if flow == top else f"{flow}{_SUBFLOW_SEPARATOR}{node}"


def summarize(
    origin: CallOrigin,
    *,
    call_id: str,
    caller: str,
    called: str,
    language: str,
    start: datetime,
    events: Sequence[Mapping[str, Any]],
    taken: Iterable[tuple[str, str, str]],
    visited: Iterable[tuple[str, str]],
    flows: Mapping[str, Flow],
    finished: bool = True,
) -> dict[str, Any]:
    """The record of one call (JSON values only), with its rows: queue waits, transfers, menu choices, survey
    answers, the nodes it entered and the exits it took (as `node_key`s), and the errors it met."""
    top = origin.flow
    taken = list(taken)
    last = events[-1] if events else {}
    ended = finished and last.get("event") == "end"
    duration = float(last.get("t", 0.0)) if events else 0.0
    queues = _queue_waits(events, ended)
    transfers = _transfers(events)
    kept_voicemail = any(e["event"] == "voicemail" and e.get("kept") for e in events)
    fallback = any(e["event"] == "fallback" for e in events)
    reason = last.get("reason") if ended else None
    hangup_by = last.get("by") if ended else None
    if not ended:
        outcome = "unfinished"
    elif fallback:
        outcome = "fallback"
    elif reason == "transferred":
        outcome = "transferred"
    elif any(q["result"] == "answered" for q in queues):
        outcome = "agent"
    elif kept_voicemail:
        outcome = "voicemail"
    elif reason == "hangup" and hangup_by == "caller" and (_left_queue(queues) or not _chose(taken, flows, top)):
        outcome = "abandoned"
    else:
        outcome = "self_served"
    local = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
    taken_rows = [node_key(flow, top, node) + "\x1f" + exit_name for flow, node, exit_name in taken]
    visits = [node_key(flow, top, node) for flow, node in visited]
    return {
        "tenant": origin.tenant,
        "call_id": call_id,
        "flow": top,
        "version": origin.version,
        "origin": origin.origin,
        "caller": caller,
        "called": called,
        "area": area_of(caller),
        "language": language,
        "start": utc_text(local),
        "end": utc_text(local + timedelta(seconds=duration)) if ended else None,
        "duration_s": round(duration, 3) if ended else None,
        "day": local.date().isoformat(),
        "hour": local.hour,
        "outcome": outcome,
        "reason": reason,
        "hangup_by": hangup_by,
        "end_node": last.get("node") if ended else (events[-1].get("node") if events else None),
        "transfer_to": last.get("destination") if reason == "transferred" else None,
        "finished": int(ended),
        "path": list(dict.fromkeys(visits)),
        "visited": visits,
        "taken": taken_rows,
        "queue_waits": queues,
        "transfers": transfers,
        "menu_choices": _menu_choices(events, taken, flows, top),
        "survey_answers": _survey_answers(events, queues),
        "errors": _errors(events),
    }


CHOOSING = frozenset({"menu", "collect", "ask"})
"""Node types where a caller makes a choice: a caller who made one and then hung up was served by the IVR."""


def _left_queue(queues: list[dict[str, Any]]) -> bool:
    return any(q["result"] == "abandoned" for q in queues)


def _chose(taken: Iterable[tuple[str, str, str]], flows: Mapping[str, Flow], top: str) -> bool:
    """Whether the caller made a choice: a menu, collect or ask node took an exit other than `failed`."""
    for flow_name, node_id, exit_name in taken:
        flow = flows.get(flow_name)
        node = flow.node(node_id) if flow is not None else None
        if node is not None and node.type in CHOOSING and exit_name != "failed":
            return True
    return False


def _queue_waits(events: Sequence[Mapping[str, Any]], ended: bool) -> list[dict[str, Any]]:
    """Each wait in a queue: entered when, position on entry, answered or not, after how long, offer taken."""
    waits: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for event in events:
        kind = event["event"]
        if kind == "queue" and event.get("action") == "join":
            current = {"queue": event.get("queue", ""), "entered_s": float(event["t"]), "position": None}
            current.update(result="abandoned", wait_s=0.0, took_offer=0, node=event.get("node"))
            waits.append(current)
        elif current is None:
            continue
        elif kind == "queue" and "position" in event and current["position"] is None:
            current["position"] = event["position"]
        elif kind == "agent":
            current.update(result="answered", wait_s=float(event.get("answered_after", 0.0)))
        elif kind == "queue" and event.get("action") == "leave":
            if current["result"] != "answered":
                outcome = event.get("outcome")
                current["result"] = {"offer": "offer", "timeout": "timeout"}.get(str(outcome), "answered")
                current["wait_s"] = float(event.get("waited_s", 0.0))
                current["took_offer"] = int(outcome == "offer")
            current = None
        elif kind == "end":  # the caller hung up (or the call ended) while waiting
            current["wait_s"] = round(float(event["t"]) - current["entered_s"], 3)
            current = None
    if current is not None and not ended:
        waits.remove(current)  # still waiting when the record was written: not counted yet
    for wait in waits:
        wait["wait_s"] = round(wait["wait_s"], 3)
    return waits


def _transfers(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each transfer tried: destination and result (`answered` unless a `transfer_failed` followed)."""
    rows: list[dict[str, Any]] = []
    for event in events:
        if event["event"] == "transfer":
            rows.append({"node": event.get("node"), "destination": event.get("destination", ""), "result": "answered"})
        elif event["event"] == "transfer_failed" and rows:
            rows[-1]["result"] = str(event.get("outcome", "failed"))
    return rows


MENU_MISSES = ("menu_retry", "menu_failed")
"""A menu's events for a silence or a wrong key: one it asks again after, and the last, which takes `failed`."""


def _menu_choices(
    events: Sequence[Mapping[str, Any]], taken: Iterable[tuple[str, str, str]], flows: Mapping[str, Flow], top: str
) -> list[dict[str, Any]]:
    """Each pass through a menu with the exit taken (`hangup` when the caller hung up in it); a menu's silences and
    wrong keys over the call (its `menu_retry` and `menu_failed` events) are on its last pass."""
    menus: dict[str, str] = {}  # key -> node id
    for flow_name, flow in flows.items():
        for node in flow.nodes:
            if node.type == "menu":
                menus[node_key(flow_name, top, node.id)] = node.id
    choices: dict[str, list[dict[str, Any]]] = {}
    ordered: list[dict[str, Any]] = []
    for flow_name, node_id, exit_name in taken:
        key = node_key(flow_name, top, node_id)
        if key in menus:
            row = {"node": key, "choice": exit_name, "no_input": 0, "no_match": 0}
            choices.setdefault(key, []).append(row)
            ordered.append(row)
    last = events[-1] if events else {}
    ended_in = str(last.get("node"))
    if last.get("event") == "end" and last.get("by") == "caller" and ended_in in menus:  # hung up in a menu
        hung_up = {"node": ended_in, "choice": "hangup", "no_input": 0, "no_match": 0}
        choices.setdefault(ended_in, []).append(hung_up)
        ordered.append(hung_up)
    for key, rows in choices.items():
        node_id = menus[key]
        counts = {"no_input": 0, "no_match": 0}
        for event in events:
            if event.get("node") == node_id and event["event"] in MENU_MISSES and event.get("reason") in counts:
                counts[str(event["reason"])] += 1
        rows[-1].update(counts)
    return ordered


def _survey_answers(events: Sequence[Mapping[str, Any]], queues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Values saved with the call (`set … save yes`), each with the queue the caller waited in before."""
    answers: list[dict[str, Any]] = []
    for event in events:
        if event["event"] != "save":
            continue
        before = [q for q in queues if q["entered_s"] <= float(event["t"])]
        queue = before[-1]["queue"] if before else ""
        for question, answer in (event.get("values") or {}).items():
            answers.append({"question": question, "answer": _text(answer), "queue": queue})
    return answers


def _errors(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Flow errors, fallbacks and data sources that failed, each at its node."""
    rows: list[dict[str, Any]] = []
    for event in events:
        kind = event["event"]
        if kind == "error":
            rows.append({"node": event.get("node"), "kind": "error", "detail": str(event.get("message", ""))})
        elif kind == "fallback":
            rows.append({"node": event.get("node"), "kind": "fallback", "detail": str(event.get("reason", ""))})
        elif kind == "lookup" and event.get("result") in ("error", "timeout"):
            rows.append({"node": event.get("node"), "kind": f"source_{event['result']}", "detail": event.get("source")})
    return rows


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
