"""Reading call records (a list, one call with its events and rows), the tallies reports read, and each tenant's
retention (pruning is `pruning.py`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callflow.runtime.store.call_records import CALL_FIELDS as RECORD_FIELDS
from callflow.runtime.store.call_records import unpack_events
from callflow.runtime.store.errors import NotFound
from callflow.runtime.store.records_db import transaction

CALL_FIELDS = ("id", *RECORD_FIELDS)

PERIODS = {
    None: "''",
    "hour": "day || 'T' || printf('%02d', hour)",
    "day": "day",
    "week": "date(day, '-6 days', 'weekday 1')",
    "month": "substr(day, 1, 7)",
}
"""How `by` groups a local day (and hour) into a period: its first day (a week starts on Monday)."""


@dataclass(frozen=True)
class Scope:
    """Which records a report or a list covers: a tenant, local days from and to (both included), a flow and a
    version, live or simulated calls."""

    tenant: str
    day_from: str = "0000-00-00"
    day_to: str = "9999-99-99"
    flow: str | None = None
    version: int | None = None
    origin: str | None = None

    def where(self, prefix: str = "", *, day_index: bool = True) -> tuple[str, list[Any]]:
        """The SQL condition and its arguments; without `day_index`, SQLite walks another index (newest first)."""
        day = f"{prefix}day" if day_index else f"+{prefix}day"
        sql = f"{prefix}tenant = ? AND {day} BETWEEN ? AND ?"
        args: list[Any] = [self.tenant, self.day_from, self.day_to]
        for column, value in (("flow", self.flow), ("version", self.version), ("origin", self.origin)):
            if value is not None:
                sql += f" AND {prefix}{column} = ?"
                args.append(value)
        return sql, args


def tally(
    connection: sqlite3.Connection,
    scope: Scope,
    kind: str,
    *,
    by: str | None = None,
    extra: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """The tallies of one kind summed over the scope: rows of (period, *extra, k1, k2, k3, n, total, top), `extra`
    being more SQL expressions to group by (`hour`, `strftime('%w', day)`)."""
    period = PERIODS[by]
    where, args = scope.where()
    groups = ", ".join([period, *extra, "k1", "k2", "k3"])
    sql = (
        f"SELECT {groups}, sum(n), sum(total), max(top) FROM tallies WHERE kind = ? AND {where} "
        f"GROUP BY {groups} ORDER BY {groups}"
    )
    return connection.execute(sql, [kind, *args]).fetchall()


def calls(
    connection: sqlite3.Connection,
    scope: Scope,
    *,
    outcome: str | None = None,
    node: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Call records, newest first: of an outcome, through a node; `before` a record id, to page back. (The newest
    are found walking the records newest first, not by sorting a month of them.)"""
    where, args = scope.where(day_index=False)
    if outcome is not None:
        where += " AND outcome = ?"
        args.append(outcome)
    if node is not None:
        where += " AND instr(path, ?) > 0"
        args.append(f" {node} ")
    if before is not None:
        where += " AND id < ?"
        args.append(before)
    sql = f"SELECT {', '.join(CALL_FIELDS)} FROM calls WHERE {where} ORDER BY id DESC LIMIT ?"
    rows = connection.execute(sql, [*args, limit]).fetchall()
    return [dict(zip(CALL_FIELDS, row, strict=True)) for row in rows]


def call(connection: sqlite3.Connection, tenant: str, call_id: str) -> dict[str, Any]:
    """One call's record with its events and its rows; NotFound for another tenant's."""
    row = connection.execute(
        f"SELECT {', '.join(CALL_FIELDS)} FROM calls WHERE tenant = ? AND call_id = ?", (tenant, call_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"there is no call `{call_id}`")
    record = dict(zip(CALL_FIELDS, row, strict=True))
    key = record["id"]
    events: list[dict[str, Any]] = []
    for (blob,) in connection.execute("SELECT events FROM call_events WHERE call = ? ORDER BY part", (key,)):
        events.extend(unpack_events(blob))
    record["events"] = events
    for table, columns in _ROWS.items():
        found = connection.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE call = ? ORDER BY rowid", (key,))
        record[table] = [dict(zip(columns, values, strict=True)) for values in found]
    return record


_ROWS = {
    "queue_waits": ("queue", "entered_s", "position", "result", "wait_s", "took_offer"),
    "transfers": ("node", "destination", "result"),
    "menu_choices": ("node", "choice", "no_input", "no_match"),
    "survey_answers": ("question", "answer", "queue"),
}


def retention(connection: sqlite3.Connection) -> dict[str, int]:
    """Each tenant's retention in days (tenants without one keep their records)."""
    return {str(t): int(d) for t, d in connection.execute("SELECT tenant, days FROM retention ORDER BY tenant")}


def set_retention(connection: sqlite3.Connection, tenant: str, days: int | None) -> None:
    """Keep a tenant's records `days` days (None: for ever)."""
    with transaction(connection):
        if days is None:
            connection.execute("DELETE FROM retention WHERE tenant = ?", (tenant,))
        else:
            connection.execute(
                "INSERT INTO retention (tenant, days) VALUES (?, ?) ON CONFLICT DO UPDATE SET days = excluded.days",
                (tenant, days),
            )


def last_calls(connection: sqlite3.Connection, scope: Scope, node: str, limit: int = 20) -> list[dict[str, Any]]:
    """The newest calls that passed a node."""
    return calls(connection, scope, node=node, limit=limit)


def exists(connection: sqlite3.Connection, tenant: str, call_id: str) -> bool:
    """Whether a call's record is there."""
    found = connection.execute("SELECT 1 FROM calls WHERE tenant = ? AND call_id = ?", (tenant, call_id)).fetchone()
    return found is not None
