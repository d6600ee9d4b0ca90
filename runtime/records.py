"""The `Store` of live calls: voicemail and saved answers in a SQLite file (sqlite-utils).

Writes go through a `SqliteWriter` (runtime/writer.py): saving returns at once, so a call never waits for the disk
or for another process that holds the file's write lock, and a message that cannot be written at once is kept in
the writer's spool file and written later, never dropped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

from callflow.runtime.writer import BUSY_TIMEOUT_S, SqliteWriter

_VOICEMAIL_COLUMNS = ("mailbox", "caller", "time", "seconds", "language", "file", "call_id")


class SqliteStore:
    """Voicemail (`voicemails`) and values saved with calls (`call_values`) in one SQLite file."""

    def __init__(self, path: Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite_utils.Database(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        if "voicemails" not in self.db.table_names():
            self.db.table("voicemails").create(
                {
                    "id": int,
                    "mailbox": str,
                    "caller": str,
                    "time": str,
                    "seconds": float,
                    "language": str,
                    "file": str,
                    "unread": int,
                    "call_id": str,
                },
                pk="id",
            )
        if "call_values" not in self.db.table_names():
            self.db.table("call_values").create({"call_id": str, "name": str, "value": str}, pk=("call_id", "name"))
        self.writer = SqliteWriter(
            path, {"voicemail": _insert_voicemail, "values": _upsert_values}, busy_timeout_s=busy_timeout_s
        )

    def save_voicemail(self, message: Mapping[str, Any]) -> None:
        """Keep a voicemail message (written off the event loop; see the module's docstring)."""
        row = {k: message.get(k) for k in _VOICEMAIL_COLUMNS}
        row["unread"] = int(bool(message.get("unread", True)))
        self.writer.submit("voicemail", row)

    def save_values(self, call_id: str, values: Mapping[str, Any]) -> None:
        """Keep values with a call (a survey answer), as JSON."""
        encoded = {name: json.dumps(value, ensure_ascii=False) for name, value in values.items()}
        self.writer.submit("values", {"call_id": call_id, "values": encoded})

    def voicemails(self) -> list[dict[str, Any]]:
        """Every message in the file, oldest first (after the writes saved so far, unless the file stays locked)."""
        self.writer.flush(self.writer.busy_timeout_s)
        return list(self.db.table("voicemails").rows_where(order_by="id"))

    def values(self, call_id: str) -> dict[str, Any]:
        """The values saved with one call (after the writes saved so far, unless the file stays locked)."""
        self.writer.flush(self.writer.busy_timeout_s)
        rows = self.db.table("call_values").rows_where("call_id = ?", [call_id])
        return {row["name"]: json.loads(row["value"]) for row in rows}

    def pending_voicemails(self) -> list[dict[str, Any]]:
        """Messages kept but not yet in the file (while another writer holds it locked)."""
        return [data for kind, data in self.writer.pending() if kind == "voicemail"]

    def close(self) -> None:
        """Write what is pending (what cannot be written stays in the spool for the next start), close the file."""
        self.writer.close()
        self.db.close()


def _insert_voicemail(connection: sqlite3.Connection, row: dict[str, Any], replayed: bool) -> None:
    columns = (*_VOICEMAIL_COLUMNS, "unread")
    values = [row.get(column) for column in columns]
    if replayed:  # it may have been written just before the spool line that kept it could be removed
        same = " AND ".join(f"{column} IS ?" for column in columns)
        if connection.execute(f"SELECT 1 FROM voicemails WHERE {same}", values).fetchone():
            return
    names = ", ".join(columns)
    connection.execute(f"INSERT INTO voicemails ({names}) VALUES ({', '.join('?' * len(columns))})", values)


def _upsert_values(connection: sqlite3.Connection, data: dict[str, Any], replayed: bool) -> None:
    rows = [(data["call_id"], name, value) for name, value in data["values"].items()]
    connection.executemany(
        "INSERT INTO call_values (call_id, name, value) VALUES (?, ?, ?) "
        "ON CONFLICT (call_id, name) DO UPDATE SET value = excluded.value",
        rows,
    )
