"""The audit log: who did what, when and from where. Written in the same transaction as the change it records."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from callflow.runtime.store.database import Database, now


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user (by name) from an address, or a command (`cli:…`)."""

    name: str
    address: str | None = None


@dataclass(frozen=True)
class Entry:
    """One line of the audit log."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    detail: dict[str, Any] | None
    address: str | None

    def to_json(self) -> dict[str, Any]:
        """The entry as the API shows it."""
        return {k: v for k, v in self.__dict__.items()}


def record(
    conn: sqlite3.Connection,
    tenant_id: int,
    actor: Actor,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add a line to the audit log, inside the caller's transaction."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail is not None else None
    conn.execute(
        "INSERT INTO audit (tenant_id, at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (tenant_id, now(), actor.name, action, target, text, actor.address),
    )


class Audit:
    """Reading the audit log, and recording what has no other transaction (logins)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, tenant_id: int, actor: Actor, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
        """Record something on its own."""
        with self.database.write() as conn:
            record(conn, tenant_id, actor, action, target, detail)

    def entries(
        self, tenant_id: int, *, limit: int = 100, before: int | None = None, action: str | None = None
    ) -> list[Entry]:
        """The newest entries first; `before` an entry id, to page back."""
        sql = "SELECT id, at, actor, action, target, detail, address FROM audit WHERE tenant_id = ?"
        args: list[object] = [tenant_id]
        if before is not None:
            sql += " AND id < ?"
            args.append(before)
        if action is not None:
            sql += " AND action = ?"
            args.append(action)
        rows = self.database.read().execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])
        return [Entry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None, r[6]) for r in rows]

    def last(self, tenant_id: int, action: str, target: str) -> Entry | None:
        """The newest entry of one action on one target."""
        row = (
            self.database.read()
            .execute(
                "SELECT id, at, actor, action, target, detail, address FROM audit "
                "WHERE tenant_id = ? AND action = ? AND target = ? ORDER BY id DESC LIMIT 1",
                (tenant_id, action, target),
            )
            .fetchone()
        )
        if row is None:
            return None
        return Entry(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]) if row[5] else None, row[6])
