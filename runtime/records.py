"""The `Store` of live calls: voicemail and saved answers in a SQLite file (sqlite-utils).

Each write is its own transaction, committed before the call goes on: a crash right after a caller hangs up
does not lose the message they left.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlite_utils


class SqliteStore:
    """Voicemail (`voicemails`) and values saved with calls (`call_values`) in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
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

    def save_voicemail(self, message: Mapping[str, Any]) -> None:
        """Keep a voicemail message."""
        row = {k: message.get(k) for k in ("mailbox", "caller", "time", "seconds", "language", "file", "call_id")}
        row["unread"] = int(bool(message.get("unread", True)))
        with self._lock, self.db.conn:
            self.db.table("voicemails").insert(row)

    def save_values(self, call_id: str, values: Mapping[str, Any]) -> None:
        """Keep values with a call (a survey answer), as JSON."""
        rows = [{"call_id": call_id, "name": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in values.items()]
        with self._lock, self.db.conn:
            self.db.table("call_values").upsert_all(rows, pk=("call_id", "name"))

    def voicemails(self) -> list[dict[str, Any]]:
        """Every message, oldest first."""
        return list(self.db.table("voicemails").rows_where(order_by="id"))

    def values(self, call_id: str) -> dict[str, Any]:
        """The values saved with one call."""
        rows = self.db.table("call_values").rows_where("call_id = ?", [call_id])
        return {row["name"]: json.loads(row["value"]) for row in rows}

    def close(self) -> None:
        """Close the file."""
        self.db.close()
