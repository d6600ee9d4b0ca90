"""Writing call records: the call, its events, its rows and the tallies reports read, in the writer's transaction.

Each function here is an `Apply` of `runtime/writer.py`: the writer thread calls it inside one transaction per batch.
A write replayed from the spool may already be in the file (committed just before a crash kept its spool line), so
a finished call is never written twice.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import zlib
from collections import Counter
from typing import Any

TallyKey = tuple[str, ...]

TALLY_UPSERT = (
    "INSERT INTO tallies (tenant, flow, version, origin, day, hour, kind, k1, k2, k3, n, total, top) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n, total = total + excluded.total, top = max(top, excluded.top)"
)

CALL_FIELDS = (
    "call_id",
    "flow",
    "version",
    "origin",
    "caller",
    "called",
    "area",
    "language",
    "start",
    "end",
    "duration_s",
    "day",
    "hour",
    "outcome",
    "reason",
    "hangup_by",
    "end_node",
    "transfer_to",
    "errors",
    "finished",
)
"""What a call record holds beside its tenant and path (`call_reads` lists them with the row id)."""

_CALL_COLUMNS = ("tenant", *CALL_FIELDS, "path")


def pack_events(events: list[dict[str, Any]]) -> bytes:
    """Events as stored: a zlib-compressed JSON array (about a fifth of the text's size)."""
    return zlib.compress(json.dumps(events, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def packed_text(events: list[dict[str, Any]]) -> str:
    """Events packed, as text a write can carry (base64): packed once, where the call ends, not again and again."""
    return base64.b64encode(pack_events(events)).decode("ascii")


def _blob(data: dict[str, Any]) -> bytes:
    packed = data.get("packed_events")
    return base64.b64decode(packed) if packed is not None else pack_events(data["events"])


class TallyBatch:
    """Tallies added up over one transaction's calls, written once when it commits (`SqliteWriter`'s `finish`)."""

    def __init__(self) -> None:
        self.added: dict[TallyKey, list[float]] = {}

    def clear(self) -> None:
        """Forget what was added (a transaction starts)."""
        self.added = {}

    def add(self, where: tuple[Any, ...], tallies: dict[tuple[str, str, str, str], tuple[int, float, float]]) -> None:
        """Add one call's tallies."""
        for key, (n, total, top) in tallies.items():
            found = self.added.get((*where, *key))
            if found is None:
                self.added[(*where, *key)] = [n, total, top]
            else:
                found[0] += n
                found[1] += total
                found[2] = max(found[2], top)

    def write(self, connection: sqlite3.Connection) -> None:
        """Write what was added, in the transaction."""
        connection.executemany(TALLY_UPSERT, [(*key, *value) for key, value in self.added.items()])
        self.added = {}


def unpack_events(blob: bytes) -> list[dict[str, Any]]:
    """Stored events as trace events."""
    events: list[dict[str, Any]] = json.loads(zlib.decompress(blob))
    return events


def _call_values(record: dict[str, Any]) -> list[Any]:
    values = {**record, "errors": len(record.get("errors") or ()), "path": " " + " ".join(record["path"]) + " "}
    return [values.get(column) for column in _CALL_COLUMNS]


def _existing(connection: sqlite3.Connection, record: dict[str, Any]) -> tuple[int, int] | None:
    row = connection.execute(
        "SELECT id, finished FROM calls WHERE tenant = ? AND call_id = ?", (record["tenant"], record["call_id"])
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def apply_progress(connection: sqlite3.Connection, data: dict[str, Any], replayed: bool) -> None:
    """A live call's events so far (part `part`), its record marked unfinished until it ends."""
    record = data["record"]
    found = _existing(connection, record)
    if found is not None and found[1]:
        return  # already finished: this is an old write replayed
    if found is None:
        names = ", ".join(f'"{c}"' for c in _CALL_COLUMNS)
        cursor = connection.execute(
            f"INSERT INTO calls ({names}) VALUES ({', '.join('?' * len(_CALL_COLUMNS))})", _call_values(record)
        )
        call = int(cursor.lastrowid or 0)
    else:
        call = found[0]
        sets = ", ".join(f'"{c}" = ?' for c in _CALL_COLUMNS)
        connection.execute(f"UPDATE calls SET {sets} WHERE id = ?", [*_call_values(record), call])
    connection.execute(
        "INSERT OR REPLACE INTO call_events (call, part, events) VALUES (?, ?, ?)", (call, data["part"], _blob(data))
    )


def apply_call(
    connection: sqlite3.Connection, record: dict[str, Any], replayed: bool, batch: TallyBatch | None = None
) -> None:
    """A call's whole record: the call, all its events, its rows, and the tallies it adds to (to `batch`, written
    when the transaction commits, or at once)."""
    found = _existing(connection, record)
    if found is not None and found[1]:
        return
    names = ", ".join(f'"{c}"' for c in _CALL_COLUMNS)
    if found is None:
        cursor = connection.execute(
            f"INSERT INTO calls ({names}) VALUES ({', '.join('?' * len(_CALL_COLUMNS))})", _call_values(record)
        )
        call = int(cursor.lastrowid or 0)
    else:  # the record of a live call written while it ran
        call = found[0]
        sets = ", ".join(f'"{c}" = ?' for c in _CALL_COLUMNS)
        connection.execute(f"UPDATE calls SET {sets} WHERE id = ?", [*_call_values(record), call])
        connection.execute("DELETE FROM call_events WHERE call = ?", (call,))
    connection.execute("INSERT INTO call_events (call, part, events) VALUES (?, 0, ?)", (call, _blob(record)))
    for table, (columns, rows) in _rows(record).items():
        if rows:  # most calls have none of some kinds
            marks = ", ".join("?" * (len(columns) + 1))
            connection.executemany(
                f"INSERT INTO {table} (call, {', '.join(columns)}) VALUES ({marks})",
                [(call, *(row[c] for c in columns)) for row in rows],
            )
    if record["finished"]:
        where = (record["tenant"], record["flow"], record["version"], record["origin"], record["day"], record["hour"])
        if batch is not None:
            batch.add(where, tallies(record))
        else:
            connection.executemany(TALLY_UPSERT, [(*where, *key, *value) for key, value in tallies(record).items()])


_ROW_COLUMNS = {
    "queue_waits": ("queue", "entered_s", "position", "result", "wait_s", "took_offer"),
    "transfers": ("node", "destination", "result"),
    "menu_choices": ("node", "choice", "no_input", "no_match"),
    "survey_answers": ("question", "answer", "queue"),
}


def _rows(record: dict[str, Any]) -> dict[str, tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """A record's rows of each kind, with the columns they fill."""
    return {table: (columns, record[table]) for table, columns in _ROW_COLUMNS.items()}


SERVICE_LEVEL_S = 20.0
"""A queue's service level counts the callers answered within this many seconds."""


def tallies(record: dict[str, Any]) -> dict[tuple[str, str, str, str], tuple[int, float, float]]:
    """What one finished call adds to the tallies: (kind, k1, k2, k3) -> (count, total, largest)."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    totals: dict[tuple[str, str, str, str], float] = {}
    tops: dict[tuple[str, str, str, str], float] = {}

    def add(key: tuple[str, str, str, str], n: int = 1, value: float = 0.0) -> None:
        counts[key] += n
        totals[key] = totals.get(key, 0.0) + value
        tops[key] = max(tops.get(key, 0.0), value)

    duration = float(record["duration_s"] or 0.0)
    add(("call", record["called"], record["outcome"], record["language"]), 1, duration)
    add(("area", record["area"], "", ""))
    visits: Counter[str] = Counter(record.get("visited") or record["path"])
    for node, times in visits.items():
        add(("node", node, "", ""), 1, float(times))
    for taken in record["taken"]:
        node, _, exit_name = taken.partition("\x1f")
        add(("exit", node, exit_name, ""))
    if record["hangup_by"] == "caller" and record["end_node"]:  # where callers hung up: the drop-offs
        add(("drop", str(record["end_node"]), "", ""))
    for error in record["errors"]:
        add(("error", str(error["node"] or ""), error["kind"], ""))
    for menu in record["menu_choices"]:
        add(("menu", menu["node"], menu["choice"], ""))
        for kind in ("no_input", "no_match"):
            if menu[kind]:
                add(("menu", menu["node"], kind, ""), int(menu[kind]))
    for wait in record["queue_waits"]:
        queue, waited = wait["queue"], float(wait["wait_s"])
        add(("queue", queue, "offered", ""), 1, waited)
        add(("queue", queue, wait["result"], ""), 1, waited)
        if wait["result"] == "answered" and waited <= SERVICE_LEVEL_S:
            add(("queue", queue, "answered_in_time", ""), 1, waited)
    for transfer in record["transfers"]:
        add(("transfer", transfer["destination"], transfer["result"], ""))
    for answer in record["survey_answers"]:
        add(("survey", answer["question"], answer["queue"], answer["answer"]))
    return {key: (n, totals[key], tops[key]) for key, n in counts.items()}
